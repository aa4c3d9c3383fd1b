import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";
import { COMMANDS } from "../../src/commands/cli.js";
import { ENV_KEYS, envSchema } from "../../src/config/env.js";
import { topologyFor } from "../../src/queue/rabbitmq-topology.js";
import { REPO_ROOT } from "./manifests.js";

/**
 * What the deployment files must agree with, read from the code itself so that a renamed
 * command, variable, route or queue fails these checks instead of a pod in a cluster.
 */
export const CLI_COMMANDS: readonly string[] = COMMANDS;
export const ENV_NAMES: ReadonlySet<string> = new Set(ENV_KEYS as string[]);

/** The configuration a process gets with nothing set (development defaults). */
export const ENV_DEFAULTS = envSchema.parse({});

/** The RabbitMQ queue the workers consume, as the tick and worker declare it. */
export const REPORT_JOBS_QUEUE = topologyFor().jobsQueue;

/**
 * Credentials and keys: they belong in the Secret, never in a ConfigMap or values.yaml defaults.
 * Every name must exist in ENV_KEYS (checked by the tests), so the list cannot drift silently.
 */
export const SECRET_ENV_NAMES = [
  "DATABASE_URL",
  "AMQP_URL",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "SMTP_URL",
  "UNSUBSCRIBE_SECRET",
  "SIMPLYRETS_USERNAME",
  "SIMPLYRETS_PASSWORD",
  "DKIM_PRIVATE_KEY",
] as const;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".d.ts") ? [full] : [];
  });
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
}

function walk(node: ts.Node, visit: (n: ts.Node) => void): void {
  visit(node);
  node.forEachChild((child) => walk(child, visit));
}

/** Every string literal (and template without substitutions) in the files, e.g. route paths. */
export function stringLiteralsIn(files: string[]): Set<string> {
  const found = new Set<string>();
  for (const file of files) {
    walk(parse(file), (n) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) found.add(n.text);
    });
  }
  return found;
}

export function stringLiteralsInSource(): Set<string> {
  return stringLiteralsIn(sourceFiles(path.join(REPO_ROOT, "src")));
}

/**
 * The source file a CLI command runs, found through the dynamic import in src/commands/cli.ts that
 * mentions the command (e.g. `import("./worker-command.js")`).
 */
export function commandModule(command: string): string | undefined {
  const cli = parse(path.join(REPO_ROOT, "src/commands/cli.ts"));
  let found: string | undefined;
  walk(cli, (n) => {
    if (
      ts.isCallExpression(n) &&
      n.expression.kind === ts.SyntaxKind.ImportKeyword &&
      n.arguments[0] &&
      ts.isStringLiteral(n.arguments[0]) &&
      path.basename(n.arguments[0].text) === `${command}-command.js`
    ) {
      found = path.join(REPO_ROOT, "src/commands", n.arguments[0].text.replace(/\.js$/, ".ts"));
    }
  });
  return found;
}

/**
 * The grace period (ms) a command gives its own shutdown: the second argument of its
 * `onShutdownSignal(logger, graceMs, stop)` call, a numeric literal or a const in the same file.
 * undefined when the command's module does not exist yet or makes no such call.
 */
export function shutdownGraceMs(command: string): number | undefined {
  const file = commandModule(command);
  if (!file || !existsSync(file)) return undefined;
  const source = parse(file);
  const consts = new Map<string, ts.Expression>();
  walk(source, (n) => {
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer) consts.set(n.name.text, n.initializer);
  });
  const evaluate = (e: ts.Expression | undefined): number | undefined => {
    if (!e) return undefined;
    if (ts.isNumericLiteral(e)) return Number(e.text.replaceAll("_", ""));
    if (ts.isIdentifier(e)) return evaluate(consts.get(e.text));
    if (ts.isParenthesizedExpression(e)) return evaluate(e.expression);
    if (ts.isBinaryExpression(e)) {
      const [a, b] = [evaluate(e.left), evaluate(e.right)];
      if (a === undefined || b === undefined) return undefined;
      if (e.operatorToken.kind === ts.SyntaxKind.AsteriskToken) return a * b;
      if (e.operatorToken.kind === ts.SyntaxKind.PlusToken) return a + b;
      if (e.operatorToken.kind === ts.SyntaxKind.MinusToken) return a - b;
    }
    return undefined;
  };
  let grace: number | undefined;
  walk(source, (n) => {
    if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === "onShutdownSignal") {
      grace = evaluate(n.arguments[1]);
    }
  });
  return grace;
}
