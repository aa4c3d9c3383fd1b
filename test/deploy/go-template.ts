import { createHash } from "node:crypto";
import { stringify } from "yaml";

/**
 * A small interpreter for Go's text/template with the Sprig and Helm functions this chart uses,
 * so the chart can be rendered and checked here, where there is no helm binary.
 *
 * It follows Go's rules where they matter for a chart: `{{-`/`-}}` whitespace trimming, pipelines
 * (the piped value is the last argument), variables scoped to their block, `range` over maps in
 * key order, nil field access as an error ("nil pointer evaluating"), missing map keys as nil,
 * functions checked when parsing (an unknown one fails like `helm lint`), and printing of numbers
 * the way Go prints float64 (1000000 → "1e+06", the classic chart bug). It is not Helm: anything
 * it does not know fails loudly rather than rendering something plausible.
 */

export class TemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TemplateError";
  }
}

// ---------------------------------------------------------------- lexing

type Token =
  | { kind: "field"; names: string[] }
  | { kind: "variable"; name: string; names: string[] }
  | { kind: "ident"; name: string }
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "bool"; value: boolean }
  | { kind: "nil" }
  | { kind: "dot" }
  | { kind: "lparen" }
  | { kind: "rparen"; names: string[] }
  | { kind: "pipe" }
  | { kind: "declare" }
  | { kind: "assign" }
  | { kind: "comma" };

interface RawAction {
  text: string;
  line: number;
}

type Piece = { text: string } | { action: RawAction };

/** Splits a template into text and actions, applying the trim markers. */
function split(source: string, name: string): Piece[] {
  const pieces: Piece[] = [];
  let i = 0;
  let trimNext = false;
  const lineAt = (pos: number) => source.slice(0, pos).split("\n").length;
  while (i < source.length) {
    const open = source.indexOf("{{", i);
    let text = open === -1 ? source.slice(i) : source.slice(i, open);
    if (trimNext) text = text.replace(/^\s+/, "");
    trimNext = false;
    if (open === -1) {
      pieces.push({ text });
      break;
    }
    let start = open + 2;
    // "{{- " trims the whitespace before the action; the dash must be followed by a space.
    if (source[start] === "-" && /[ \t\r\n]/.test(source[start + 1] ?? "")) {
      text = text.replace(/\s+$/, "");
      start += 1;
    }
    pieces.push({ text });
    // Find the closing braces outside string literals and comments.
    let j = start;
    let quote: string | null = null;
    let close = -1;
    while (j < source.length) {
      const ch = source[j];
      if (quote) {
        if (ch === "\\" && quote !== "`") j++;
        else if (ch === quote) quote = null;
      } else if (source.startsWith("/*", j)) {
        const end = source.indexOf("*/", j + 2);
        if (end === -1) throw new TemplateError(`${name}:${lineAt(open)}: unclosed comment`);
        j = end + 1;
      } else if (ch === '"' || ch === "`" || ch === "'") {
        quote = ch;
      } else if (source.startsWith("}}", j)) {
        close = j;
        break;
      }
      j++;
    }
    if (close === -1) throw new TemplateError(`${name}:${lineAt(open)}: unclosed action (no matching "}}")`);
    let inner = source.slice(start, close);
    if (/\s-$/.test(inner)) {
      inner = inner.slice(0, -1);
      trimNext = true;
    }
    pieces.push({ action: { text: inner.trim(), line: lineAt(open) } });
    i = close + 2;
  }
  return pieces;
}

function lex(action: RawAction, name: string): Token[] {
  const s = action.text;
  const tokens: Token[] = [];
  const fail = (msg: string): never => {
    throw new TemplateError(`${name}:${action.line}: ${msg} in "{{${s}}}"`);
  };
  const chain = (from: number): [string[], number] => {
    const names: string[] = [];
    let k = from;
    while (s[k] === "." && /[A-Za-z_]/.test(s[k + 1] ?? "")) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(k + 1))!;
      names.push(m[0]);
      k += 1 + m[0].length;
    }
    return [names, k];
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === "(") {
      tokens.push({ kind: "lparen" });
      i++;
    } else if (ch === ")") {
      const [names, k] = chain(i + 1);
      tokens.push({ kind: "rparen", names });
      i = k;
    } else if (ch === "|") {
      tokens.push({ kind: "pipe" });
      i++;
    } else if (ch === ",") {
      tokens.push({ kind: "comma" });
      i++;
    } else if (s.startsWith(":=", i)) {
      tokens.push({ kind: "declare" });
      i += 2;
    } else if (ch === "=") {
      tokens.push({ kind: "assign" });
      i++;
    } else if (ch === '"') {
      let k = i + 1;
      while (k < s.length && s[k] !== '"') k += s[k] === "\\" ? 2 : 1;
      if (k >= s.length) fail("unterminated string");
      tokens.push({ kind: "string", value: JSON.parse(s.slice(i, k + 1)) as string });
      i = k + 1;
    } else if (ch === "`") {
      const k = s.indexOf("`", i + 1);
      if (k === -1) fail("unterminated raw string");
      tokens.push({ kind: "string", value: s.slice(i + 1, k) });
      i = k + 1;
    } else if (ch === ".") {
      if (/[A-Za-z_]/.test(s[i + 1] ?? "")) {
        const [names, k] = chain(i);
        tokens.push({ kind: "field", names });
        i = k;
      } else {
        tokens.push({ kind: "dot" });
        i++;
      }
    } else if (ch === "$") {
      const m = /^\$[A-Za-z0-9_]*/.exec(s.slice(i))!;
      const [names, k] = chain(i + m[0].length);
      tokens.push({ kind: "variable", name: m[0], names });
      i = k;
    } else if (/[-+0-9]/.test(ch)) {
      const m = /^[-+]?(0x[0-9a-fA-F]+|[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?)/.exec(s.slice(i));
      if (!m) fail(`unexpected "${ch}"`);
      tokens.push({ kind: "number", value: Number(m![0]) });
      i += m![0].length;
    } else if (/[A-Za-z_]/.test(ch)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(s.slice(i))!;
      const word = m[0];
      if (word === "true" || word === "false") tokens.push({ kind: "bool", value: word === "true" });
      else if (word === "nil") tokens.push({ kind: "nil" });
      else tokens.push({ kind: "ident", name: word });
      i += word.length;
    } else {
      fail(`unexpected "${ch}"`);
    }
  }
  return tokens;
}

// ---------------------------------------------------------------- parsing

type Operand =
  | { kind: "field"; names: string[] }
  | { kind: "variable"; name: string; names: string[] }
  | { kind: "function"; name: string }
  | { kind: "literal"; value: unknown }
  | { kind: "dot" }
  | { kind: "pipeline"; pipeline: Pipeline; names: string[] };

interface Command {
  operands: Operand[];
}

interface Pipeline {
  declare: string[];
  assign: boolean;
  commands: Command[];
}

type Node =
  | { kind: "text"; text: string }
  | { kind: "output"; pipeline: Pipeline; where: string }
  | { kind: "if" | "with"; pipeline: Pipeline; body: Node[]; orElse: Node[]; where: string }
  | { kind: "range"; pipeline: Pipeline; body: Node[]; orElse: Node[]; where: string }
  | { kind: "template"; name: string; pipeline?: Pipeline; where: string }
  | { kind: "break" | "continue" };

export type TemplateFunction = (...args: unknown[]) => unknown;

class Parser {
  private pos = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly where: string,
    private readonly functions: ReadonlySet<string>,
  ) {}

  private fail(msg: string): never {
    throw new TemplateError(`${this.where}: ${msg}`);
  }

  pipeline(stopAtRparen = false): Pipeline {
    const p: Pipeline = { declare: [], assign: false, commands: [] };
    // `$a := ...`, `$a, $b := ...` or `$a = ...`
    const save = this.pos;
    const vars: string[] = [];
    while (this.tokens[this.pos]?.kind === "variable" && (this.tokens[this.pos] as { names: string[] }).names.length === 0) {
      vars.push((this.tokens[this.pos] as { name: string }).name);
      this.pos++;
      if (this.tokens[this.pos]?.kind === "comma") this.pos++;
      else break;
    }
    const next = this.tokens[this.pos]?.kind;
    if (vars.length > 0 && (next === "declare" || next === "assign")) {
      p.declare = vars;
      p.assign = next === "assign";
      this.pos++;
    } else {
      this.pos = save;
    }
    let command: Command = { operands: [] };
    while (this.pos < this.tokens.length) {
      const t = this.tokens[this.pos];
      if (t.kind === "rparen") {
        if (stopAtRparen) break;
        this.fail("unexpected )");
      }
      this.pos++;
      switch (t.kind) {
        case "pipe":
          if (command.operands.length === 0) this.fail("missing command before |");
          p.commands.push(command);
          command = { operands: [] };
          break;
        case "lparen": {
          const inner = this.pipeline(true);
          const close = this.tokens[this.pos];
          if (close?.kind !== "rparen") this.fail("unclosed (");
          this.pos++;
          command.operands.push({ kind: "pipeline", pipeline: inner, names: (close as { names: string[] }).names });
          break;
        }
        case "ident":
          if (!this.functions.has(t.name)) this.fail(`function "${t.name}" not defined`);
          command.operands.push({ kind: "function", name: t.name });
          break;
        case "field":
          command.operands.push({ kind: "field", names: t.names });
          break;
        case "variable":
          command.operands.push({ kind: "variable", name: t.name, names: t.names });
          break;
        case "dot":
          command.operands.push({ kind: "dot" });
          break;
        case "string":
        case "number":
        case "bool":
          command.operands.push({ kind: "literal", value: t.value });
          break;
        case "nil":
          command.operands.push({ kind: "literal", value: null });
          break;
        default:
          this.fail(`unexpected ${t.kind}`);
      }
    }
    if (command.operands.length === 0) this.fail("missing value for command");
    p.commands.push(command);
    return p;
  }
}

interface ParsedTemplate {
  name: string;
  nodes: Node[];
}

/** Parses one file; its `define`s go into `defines`, its body is returned. */
function parseFile(source: string, name: string, functions: ReadonlySet<string>, defines: Map<string, ParsedTemplate>): ParsedTemplate {
  const pieces = split(source, name);
  let index = 0;

  // Returns the nodes up to a closing keyword, and which keyword closed them.
  const parseList = (inDefine: boolean, depth: number): { nodes: Node[]; closer: string; action?: RawAction } => {
    const nodes: Node[] = [];
    while (index < pieces.length) {
      const piece = pieces[index++];
      if ("text" in piece) {
        if (piece.text) nodes.push({ kind: "text", text: piece.text });
        continue;
      }
      const action = piece.action;
      const where = `${name}:${action.line}`;
      if (/^\/\*[\s\S]*\*\/$/.test(action.text)) continue;
      const tokens = lex(action, name);
      const first = tokens[0];
      const keyword = first?.kind === "ident" ? first.name : undefined;
      const rest = () => new Parser(tokens.slice(1), where, functions).pipeline();
      if (!first) throw new TemplateError(`${where}: missing value for command`);
      if (keyword === "end" || keyword === "else") {
        if (depth === 0) throw new TemplateError(`${where}: unexpected {{${keyword}}}`);
        return { nodes, closer: keyword, action };
      }
      if (keyword === "if" || keyword === "with" || keyword === "range") {
        const pipeline = rest();
        nodes.push(parseBlock(keyword, pipeline, where, inDefine, depth));
        continue;
      }
      if (keyword === "define") {
        if (depth !== 0 || inDefine) throw new TemplateError(`${where}: define must be at the top level`);
        if (tokens[1]?.kind !== "string" || tokens.length !== 2) throw new TemplateError(`${where}: define needs one quoted name`);
        const body = parseList(true, depth + 1);
        if (body.closer !== "end") throw new TemplateError(`${where}: define closed by {{${body.closer}}}`);
        const defName = (tokens[1] as { value: string }).value;
        defines.set(defName, { name: defName, nodes: body.nodes });
        continue;
      }
      if (keyword === "template") {
        if (tokens[1]?.kind !== "string") throw new TemplateError(`${where}: template needs a quoted name`);
        const pipeline = tokens.length > 2 ? new Parser(tokens.slice(2), where, functions).pipeline() : undefined;
        nodes.push({ kind: "template", name: (tokens[1] as { value: string }).value, pipeline, where });
        continue;
      }
      if (keyword === "break" || keyword === "continue") {
        nodes.push({ kind: keyword });
        continue;
      }
      if (keyword === "block") throw new TemplateError(`${where}: {{block}} is not supported here`);
      const parser = new Parser(tokens, where, functions);
      nodes.push({ kind: "output", pipeline: parser.pipeline(), where });
    }
    if (depth !== 0) throw new TemplateError(`${name}: unexpected end of file: a block is missing its {{end}}`);
    return { nodes, closer: "eof" };
  };

  const parseBlock = (
    keyword: "if" | "with" | "range",
    pipeline: Pipeline,
    where: string,
    inDefine: boolean,
    depth: number,
  ): Node => {
    const body = parseList(inDefine, depth + 1);
    let orElse: Node[] = [];
    if (body.closer === "else") {
      const elseTokens = lex(body.action!, name);
      if (elseTokens.length > 1) {
        // `else if ...` / `else with ...`: a nested block that shares this block's {{end}}.
        const kw = elseTokens[1];
        if (kw.kind !== "ident" || (kw.name !== "if" && kw.name !== "with")) throw new TemplateError(`${where}: bad else`);
        const nestedPipeline = new Parser(elseTokens.slice(2), where, functions).pipeline();
        orElse = [parseBlock(kw.name, nestedPipeline, where, inDefine, depth)];
        return { kind: keyword, pipeline, body: body.nodes, orElse, where } as Node;
      }
      const elseBody = parseList(inDefine, depth + 1);
      if (elseBody.closer !== "end") throw new TemplateError(`${where}: {{else}} closed by {{${elseBody.closer}}}`);
      orElse = elseBody.nodes;
    } else if (body.closer !== "end") {
      throw new TemplateError(`${where}: {{${keyword}}} is missing its {{end}}`);
    }
    return { kind: keyword, pipeline, body: body.nodes, orElse, where } as Node;
  };

  const top = parseList(false, 0);
  return { name, nodes: top.nodes };
}

// ---------------------------------------------------------------- values and printing

export function isMap(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Go's truth for if/with/and/or/not: false, 0, nil, and empty strings and collections are false. */
export function truthy(v: unknown): boolean {
  if (v === null || v === undefined || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (isMap(v)) return Object.keys(v).length > 0;
  return true;
}

/**
 * fmt's %v of a float64 (every number in Helm values is one): the shortest digits, in exponent
 * form when the decimal exponent is below -4 or at least 6, so 1000000 prints as "1e+06".
 */
export function goNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (!Number.isFinite(n)) return n > 0 ? "+Inf" : "-Inf";
  if (n === 0) return "0";
  const [mantissa, e] = n.toExponential().split("e");
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return String(n);
  return `${mantissa}e${exp < 0 ? "-" : "+"}${String(Math.abs(exp)).padStart(2, "0")}`;
}

/** How a value prints in output and in Sprig's string conversions (strval). */
export function goString(v: unknown): string {
  if (v === null || v === undefined) return "<no value>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return goNumber(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(" ")}]`;
  if (isMap(v)) return `map[${Object.keys(v).sort().map((k) => `${k}:${goString(v[k])}`).join(" ")}]`;
  return String(v);
}

function strval(v: unknown): string {
  return v === null || v === undefined ? "" : goString(v);
}

/** Helm's toYaml: keys sorted, no trailing newline. */
export function toYaml(v: unknown): string {
  if (v === null || v === undefined) return "null";
  return stringify(v, { sortMapEntries: true, lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false }).replace(/\n$/, "");
}

function goQuote(s: string): string {
  return JSON.stringify(s);
}

function printf(format: string, ...args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+# 0]*\d*(?:\.\d+)?)([vdsqtfx%])/g, (_m, _flags: string, verb: string) => {
    if (verb === "%") return "%";
    const arg = args[n++];
    switch (verb) {
      case "d":
        return typeof arg === "number" && Number.isInteger(arg) ? String(arg) : `%!d(${goString(arg)})`;
      case "s":
      case "v":
        return goString(arg);
      case "q":
        return goQuote(strval(arg));
      case "t":
        return String(Boolean(arg));
      case "f":
        return typeof arg === "number" ? arg.toFixed(6) : `%!f(${goString(arg)})`;
      case "x":
        return typeof arg === "number" ? arg.toString(16) : Buffer.from(strval(arg)).toString("hex");
      default:
        return "";
    }
  });
}

function toInt(v: unknown): number {
  if (typeof v === "number") return Math.trunc(v);
  if (typeof v === "string") {
    const n = Number(v);
    return Number.isFinite(n) ? Math.trunc(n) : 0;
  }
  if (typeof v === "boolean") return v ? 1 : 0;
  return 0;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  const kind = (x: unknown) => (x === null || x === undefined ? "nil" : typeof x);
  if (op === "eq" || op === "ne") {
    if (kind(a) !== kind(b) && kind(a) !== "nil" && kind(b) !== "nil") {
      throw new TemplateError(`incompatible types for comparison: ${goString(a)} (${kind(a)}) and ${goString(b)} (${kind(b)})`);
    }
    const equal = a === b || (kind(a) === "nil" && kind(b) === "nil");
    return op === "eq" ? equal : !equal;
  }
  if (kind(a) !== kind(b) || (typeof a !== "number" && typeof a !== "string")) {
    throw new TemplateError(`incompatible types for comparison: ${goString(a)} and ${goString(b)}`);
  }
  const [x, y] = [a as number | string, b as number | string];
  switch (op) {
    case "lt":
      return x < y;
    case "le":
      return x <= y;
    case "gt":
      return x > y;
    default:
      return x >= y;
  }
}

/** Sprig's `empty`. */
function empty(v: unknown): boolean {
  return !truthy(v);
}

function indent(n: number, s: string): string {
  const pad = " ".repeat(n);
  return pad + s.replaceAll("\n", "\n" + pad);
}

// ---------------------------------------------------------------- execution

class ControlFlow {
  constructor(readonly kind: "break" | "continue") {}
}

interface Scope {
  vars: Map<string, unknown>[];
}

/** Functions that need the interpreter itself (lazy arguments, templates). */
const SPECIAL = new Set(["and", "or", "include", "tpl"]);

export interface RenderOptions {
  /** Extra functions, or replacements (Helm's `lookup` answers empty offline). */
  functions?: Record<string, TemplateFunction>;
}

export class TemplateSet {
  private readonly defines = new Map<string, ParsedTemplate>();
  private readonly files = new Map<string, ParsedTemplate>();
  private readonly functions: Map<string, TemplateFunction>;
  private includeDepth = 0;

  constructor(options: RenderOptions = {}) {
    this.functions = new Map(Object.entries({ ...builtinFunctions(), ...(options.functions ?? {}) }));
  }

  private functionNames(): Set<string> {
    return new Set([...this.functions.keys(), ...SPECIAL]);
  }

  /** Adds a file; its defines become visible to every file, as in Helm. */
  add(name: string, source: string): void {
    this.files.set(name, parseFile(source, name, this.functionNames(), this.defines));
  }

  defineNames(): string[] {
    return [...this.defines.keys()];
  }

  /** Renders a file (its body, not its defines) with `data` as dot and as `$`. */
  render(name: string, data: unknown): string {
    const file = this.files.get(name);
    if (!file) throw new TemplateError(`no template file ${name}`);
    const out: string[] = [];
    this.exec(file.nodes, data, { vars: [new Map([["$", data]])] }, out);
    // Helm drops what Go prints for missing values.
    return out.join("").replaceAll("<no value>", "");
  }

  /** Executes a named template (define) and returns its output, like Helm's include. */
  include(name: string, data: unknown): string {
    const t = this.defines.get(name);
    if (!t) throw new TemplateError(`template: no template "${name}" associated with template`);
    if (++this.includeDepth > 100) throw new TemplateError(`include "${name}": rendering is too deeply nested`);
    try {
      const out: string[] = [];
      this.exec(t.nodes, data, { vars: [new Map([["$", data]])] }, out);
      return out.join("");
    } finally {
      this.includeDepth--;
    }
  }

  private exec(nodes: Node[], dot: unknown, scope: Scope, out: string[]): void {
    for (const node of nodes) {
      switch (node.kind) {
        case "text":
          out.push(node.text);
          break;
        case "output": {
          const value = this.pipeline(node.pipeline, dot, scope, node.where);
          if (node.pipeline.declare.length === 0) out.push(goString(value));
          break;
        }
        case "if":
        case "with": {
          scope.vars.push(new Map());
          try {
            const value = this.pipeline(node.pipeline, dot, scope, node.where);
            if (truthy(value)) this.exec(node.body, node.kind === "with" ? value : dot, scope, out);
            else this.exec(node.orElse, dot, scope, out);
          } finally {
            scope.vars.pop();
          }
          break;
        }
        case "range":
          this.range(node, dot, scope, out);
          break;
        case "template": {
          const data = node.pipeline ? this.pipeline(node.pipeline, dot, scope, node.where) : null;
          out.push(this.include(node.name, data));
          break;
        }
        case "break":
        case "continue":
          throw new ControlFlow(node.kind);
      }
    }
  }

  private range(node: Extract<Node, { kind: "range" }>, dot: unknown, scope: Scope, out: string[]): void {
    const { declare } = node.pipeline;
    const value = this.pipeline({ ...node.pipeline, declare: [] }, dot, scope, node.where);
    let entries: [unknown, unknown][];
    if (value === null || value === undefined) entries = [];
    else if (Array.isArray(value)) entries = value.map((v, i) => [i, v]);
    else if (isMap(value)) entries = Object.keys(value).sort().map((k) => [k, value[k]]);
    else if (typeof value === "number" && Number.isInteger(value)) entries = Array.from({ length: value }, (_, i) => [i, i]);
    else throw new TemplateError(`${node.where}: range can't iterate over ${goString(value)}`);
    if (entries.length === 0) {
      this.exec(node.orElse, dot, scope, out);
      return;
    }
    for (const [key, element] of entries) {
      const vars = new Map<string, unknown>();
      if (declare.length === 1) vars.set(declare[0], element);
      if (declare.length === 2) {
        vars.set(declare[0], key);
        vars.set(declare[1], element);
      }
      scope.vars.push(vars);
      try {
        this.exec(node.body, element, scope, out);
      } catch (e) {
        if (!(e instanceof ControlFlow)) throw e;
        if (e.kind === "break") break;
      } finally {
        scope.vars.pop();
      }
    }
  }

  private lookupVar(scope: Scope, name: string, where: string): unknown {
    for (let i = scope.vars.length - 1; i >= 0; i--) if (scope.vars[i].has(name)) return scope.vars[i].get(name);
    throw new TemplateError(`${where}: undefined variable "${name}"`);
  }

  private pipeline(p: Pipeline, dot: unknown, scope: Scope, where: string): unknown {
    let value: unknown = undefined;
    p.commands.forEach((command, i) => {
      value = this.command(command, dot, scope, where, i === 0 ? undefined : { value });
    });
    if (p.declare.length > 0) {
      const name = p.declare[p.declare.length - 1];
      if (p.assign) {
        const holder = [...scope.vars].reverse().find((v) => v.has(name));
        if (!holder) throw new TemplateError(`${where}: undefined variable "${name}"`);
        holder.set(name, value);
      } else {
        scope.vars[scope.vars.length - 1].set(name, value);
      }
    }
    return value;
  }

  private command(c: Command, dot: unknown, scope: Scope, where: string, piped?: { value: unknown }): unknown {
    const [head, ...rest] = c.operands;
    if (head.kind === "function") {
      const lazy = rest.map((o) => () => this.operand(o, dot, scope, where));
      if (piped) lazy.push(() => piped.value);
      return this.call(head.name, lazy, where);
    }
    if (rest.length > 0 || piped) throw new TemplateError(`${where}: can't give argument to non-function`);
    return this.operand(head, dot, scope, where);
  }

  private operand(o: Operand, dot: unknown, scope: Scope, where: string): unknown {
    switch (o.kind) {
      case "literal":
        return o.value;
      case "dot":
        return dot;
      case "field":
        return fieldChain(dot, o.names, where, "");
      case "variable":
        return fieldChain(this.lookupVar(scope, o.name, where), o.names, where, o.name);
      case "pipeline":
        return fieldChain(this.pipeline(o.pipeline, dot, scope, where), o.names, where, "(...)");
      case "function":
        return this.call(o.name, [], where);
    }
  }

  private call(name: string, args: (() => unknown)[], where: string): unknown {
    try {
      if (name === "and" || name === "or") {
        if (args.length === 0) throw new TemplateError(`wrong number of args for ${name}`);
        let last: unknown;
        for (const arg of args) {
          last = arg();
          if (name === "and" ? !truthy(last) : truthy(last)) return last;
        }
        return last;
      }
      const values = args.map((a) => a());
      if (name === "include") {
        if (values.length !== 2 || typeof values[0] !== "string") throw new TemplateError("include needs a template name and a value");
        return this.include(values[0], values[1]);
      }
      if (name === "tpl") throw new TemplateError("tpl is not supported here");
      return this.functions.get(name)!(...values);
    } catch (e) {
      if (e instanceof TemplateError && e.message.startsWith(where)) throw e;
      throw new TemplateError(`${where}: error calling ${name}: ${(e as Error).message}`);
    }
  }
}

function fieldChain(start: unknown, names: string[], where: string, label: string): unknown {
  let value = start;
  let path = label;
  for (const name of names) {
    if (value === null || value === undefined) {
      throw new TemplateError(`${where}: nil pointer evaluating interface {}.${name} (at ${path || "."}.${name})`);
    }
    if (!isMap(value)) throw new TemplateError(`${where}: can't evaluate field ${name} in type ${typeof value}`);
    value = value[name];
    path += `.${name}`;
  }
  return value;
}

/** Thrown by `fail` and `required`: Helm shows these messages as the install error. */
export class ChartValidationError extends TemplateError {}

function builtinFunctions(): Record<string, TemplateFunction> {
  return {
    // Go text/template builtins
    not: (v) => !truthy(v),
    eq: (a, ...bs) => bs.some((b) => compare("eq", a, b)),
    ne: (a, b) => compare("ne", a, b),
    lt: (a, b) => compare("lt", a, b),
    le: (a, b) => compare("le", a, b),
    gt: (a, b) => compare("gt", a, b),
    ge: (a, b) => compare("ge", a, b),
    len: (v) => {
      if (typeof v === "string" || Array.isArray(v)) return v.length;
      if (isMap(v)) return Object.keys(v).length;
      throw new TemplateError(`len of ${goString(v)}`);
    },
    index: (coll, ...keys) =>
      keys.reduce((c, k) => {
        if (c === null || c === undefined) throw new TemplateError("index of untyped nil");
        if (Array.isArray(c)) return c[k as number];
        if (isMap(c)) return c[String(k)];
        throw new TemplateError(`can't index item of type ${typeof c}`);
      }, coll),
    print: (...args) => args.map(goString).join(""),
    println: (...args) => args.map(goString).join(" ") + "\n",
    printf: (format, ...args) => printf(String(format), ...args),
    // Sprig
    default: (def, given) => (empty(given) ? def : given),
    empty: (v) => empty(v),
    coalesce: (...args) => args.find((a) => !empty(a)) ?? null,
    ternary: (a, b, cond) => (truthy(cond) ? a : b),
    quote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => goQuote(strval(a))).join(" "),
    squote: (...args) => args.filter((a) => a !== null && a !== undefined).map((a) => `'${strval(a)}'`).join(" "),
    toString: (v: unknown) => strval(v),
    int: (v) => toInt(v),
    int64: (v) => toInt(v),
    trunc: (n, s) => {
      const str = strval(s);
      const c = toInt(n);
      return c >= 0 ? str.slice(0, c) : str.slice(Math.max(0, str.length + c));
    },
    trimSuffix: (suffix, s) => {
      const str = strval(s);
      const suf = strval(suffix);
      return suf && str.endsWith(suf) ? str.slice(0, -suf.length) : str;
    },
    trimPrefix: (prefix, s) => {
      const str = strval(s);
      const pre = strval(prefix);
      return pre && str.startsWith(pre) ? str.slice(pre.length) : str;
    },
    trim: (s) => strval(s).trim(),
    lower: (s) => strval(s).toLowerCase(),
    upper: (s) => strval(s).toUpperCase(),
    replace: (old, replacement, s) => strval(s).replaceAll(strval(old), strval(replacement)),
    contains: (sub, s) => strval(s).includes(strval(sub)),
    hasPrefix: (pre, s) => strval(s).startsWith(strval(pre)),
    hasSuffix: (suf, s) => strval(s).endsWith(strval(suf)),
    join: (sep, list) => (Array.isArray(list) ? list.map(strval).join(strval(sep)) : strval(list)),
    indent: (n, s) => indent(toInt(n), strval(s)),
    nindent: (n, s) => "\n" + indent(toInt(n), strval(s)),
    list: (...args) => args,
    dict: (...args) => {
      const d: Record<string, unknown> = {};
      for (let i = 0; i < args.length; i += 2) d[strval(args[i])] = args[i + 1] ?? null;
      return d;
    },
    hasKey: (m, k) => isMap(m) && Object.prototype.hasOwnProperty.call(m, strval(k)),
    keys: (...maps) => maps.flatMap((m) => (isMap(m) ? Object.keys(m) : [])),
    sortAlpha: (list) => (Array.isArray(list) ? list.map(strval).sort() : []),
    b64enc: (s) => Buffer.from(strval(s)).toString("base64"),
    sha256sum: (s) => createHash("sha256").update(strval(s)).digest("hex"),
    // Helm
    toYaml: (v) => toYaml(v),
    toJson: (v) => JSON.stringify(v ?? null),
    required: (message, v) => {
      if (v === null || v === undefined || v === "") throw new ChartValidationError(strval(message));
      return v;
    },
    fail: (message) => {
      throw new ChartValidationError(strval(message));
    },
    lookup: () => ({}),
  };
}
