import { parseArgs } from "node:util";

/** Bad flags or a missing argument: the CLI prints the message and exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

type OptionSpec = Record<string, { type: "string" | "boolean"; short?: string }>;

/**
 * Every command's flags, parsed strictly by node:util: an unknown flag, a missing value or a
 * stray positional is a UsageError naming it. `--help`/`-h` is accepted by every command.
 */
export function parseCommandArgs<O extends OptionSpec>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: "boolean", short: "h" } } as O & { help: { type: "boolean"; short: "h" } },
      strict: true,
      allowPositionals,
    });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function requireValue(value: string | undefined, flag: string): string {
  if (value === undefined || value.trim() === "") throw new UsageError(`--${flag} <value> is required`);
  return value.trim();
}
