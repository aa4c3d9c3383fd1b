import { readFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "./manifests.js";

/**
 * A reader for the repository's Dockerfile and .dockerignore, enough to check them here where
 * there is no Docker engine to build with.
 */
export interface Instruction {
  keyword: string;
  /** The text after the keyword, continuation lines joined. */
  value: string;
  line: number;
}

export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

export function readDockerfile(file = path.join(REPO_ROOT, "Dockerfile")): { args: Instruction[]; stages: Stage[] } {
  const lines = readFileSync(file, "utf8").split("\n");
  const instructions: Instruction[] = [];
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let text = lines[i];
    if (/^\s*(#|$)/.test(text)) continue;
    // A trailing backslash continues the instruction; comment lines inside a continuation are dropped.
    while (/\\\s*$/.test(text) && i + 1 < lines.length) {
      i++;
      if (/^\s*#/.test(lines[i])) {
        text = text.replace(/\\\s*$/, "\\");
        continue;
      }
      text = text.replace(/\\\s*$/, " ") + lines[i].trim();
    }
    const m = /^\s*([A-Za-z]+)\s+([\s\S]*)$/.exec(text);
    if (!m) throw new Error(`Dockerfile line ${start + 1}: cannot read "${text}"`);
    instructions.push({ keyword: m[1].toUpperCase(), value: m[2].trim(), line: start + 1 });
  }
  const args: Instruction[] = [];
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === "FROM") {
      const [from, as, name] = ins.value.split(/\s+/);
      stages.push({ from, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword !== "ARG") throw new Error(`Dockerfile line ${ins.line}: only ARG may precede the first FROM`);
      args.push(ins);
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { args, stages };
}

/** An exec-form (JSON array) instruction value; shell form is rejected on purpose. */
export function execForm(ins: Instruction | undefined): string[] {
  if (!ins) throw new Error("instruction missing");
  const parsed: unknown = JSON.parse(ins.value);
  if (!Array.isArray(parsed) || !parsed.every((x) => typeof x === "string")) {
    throw new Error(`Dockerfile line ${ins.line}: ${ins.keyword} must be a JSON array of strings (exec form)`);
  }
  return parsed;
}

/** ENV instructions of a stage, both `ENV A=1 B=2` and the legacy `ENV A 1` forms. */
export function envOf(stage: Stage): Record<string, string> {
  const env: Record<string, string> = {};
  for (const ins of stage.instructions.filter((i) => i.keyword === "ENV")) {
    const pairs = [...ins.value.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)];
    if (pairs.length === 0) {
      const [k, ...rest] = ins.value.split(/\s+/);
      env[k] = rest.join(" ");
    }
    for (const [, k, v] of pairs) env[k] = v.startsWith('"') ? (JSON.parse(v) as string) : v;
  }
  return env;
}

export function imageUser(): { uid: number; gid: number } {
  const { stages } = readDockerfile();
  const user = stages[stages.length - 1].instructions.filter((i) => i.keyword === "USER").at(-1);
  const m = user && /^(\d+)(?::(\d+))?$/.exec(user.value);
  if (!m) throw new Error("the final stage must end with a numeric USER uid[:gid]");
  return { uid: Number(m[1]), gid: Number(m[2] ?? m[1]) };
}

interface IgnoreRule {
  negate: boolean;
  regex: RegExp;
}

function globToRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        // `**/` matches any number of directories, including none.
        if (pattern[i + 2] === "/") {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else {
        re += "[^/]*";
      }
    } else if (ch === "?") {
      re += "[^/]";
    } else {
      re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
}

/**
 * .dockerignore semantics (Go filepath.Match plus `**`, later rules win, `!` re-includes; a
 * pattern that matches a directory excludes everything below it).
 */
export function dockerIgnore(file = path.join(REPO_ROOT, ".dockerignore")): (relPath: string) => boolean {
  const rules: IgnoreRule[] = readFileSync(file, "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const negate = l.startsWith("!");
      const pattern = path.posix.normalize((negate ? l.slice(1) : l).trim()).replace(/^\/+/, "").replace(/\/+$/, "");
      return { negate, regex: globToRegex(pattern) };
    });
  return (relPath: string) => {
    const parts = relPath.split("/");
    let ignored = false;
    for (const rule of rules) {
      for (let n = 1; n <= parts.length; n++) {
        if (rule.regex.test(parts.slice(0, n).join("/"))) {
          ignored = !rule.negate;
          break;
        }
      }
    }
    return ignored;
  };
}
