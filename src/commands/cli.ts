#!/usr/bin/env node
import { isEntryPoint } from "./entry-point.js";
import { ConfigError, parseEnv } from "../config/env.js";
import { parseCommandArgs, UsageError } from "./command-args.js";
import { ACCOUNT_FLAGS } from "./account-flags.js";

/**
 * `market-reports <command>`: one entry for every process of the system. Each command imports
 * only what it needs, so a `tick` pod never loads express, tRPC, Chromium, S3 or email code.
 */
export const COMMANDS = ["migrate", "api", "tick", "worker", "dev", "accounts", "keys"] as const;
export type CommandName = (typeof COMMANDS)[number];

const USAGE = `Usage: market-reports <command> [options]

Commands:
  migrate                         apply migrations/*.sql (safe to run concurrently)
  api                             serve /trpc, /unsubscribe, /r/:id, /healthz, /readyz, /metrics on PORT
  tick [--dry-run] [--limit N]    one pass: claim due schedules, write runs, publish jobs, exit
  worker                          consume report jobs: data, figures, HTML, PDF, storage, email
  dev                             everything in one process on embedded defaults (npm start)
  accounts create --name <name>   create an account; prints its id and a first API key
  keys create --account <id>      create another API key for an account
  keys revoke --key-prefix <p>    revoke the key(s) with that prefix

Run "market-reports <command> --help" for a command's options.
Configuration comes from the environment; see README.md.`;

const HELP: Record<string, string> = {
  migrate: "Usage: market-reports migrate\n\nApplies every pending migration in migrations/ in order, under an advisory lock:\na second concurrent migrate waits, then finds nothing to do. Exits 1 with the SQL error on failure.",
  api: "Usage: market-reports api\n\nServes the tRPC API at /trpc and the public pages on PORT (default 3000).\nSIGTERM stops accepting, drains in-flight requests and closes the pool.",
  dev: "Usage: market-reports dev   (what npm start runs)\n\nMigrates, creates a demo account (printing its API key and a curl line), serves the API,\nruns the tick at every minute boundary and a report worker, all in one process.\nUnset DATABASE_URL / AMQP_URL / S3_BUCKET / SMTP_URL fall back to PGlite, an in-process\nqueue, ./.data/reports and ./.data/outbox.",
  accounts: "Usage: market-reports accounts create --name <name>\n\nCreates an account and prints its id and a first API key (shown once).",
  keys: "Usage: market-reports keys create --account <account id>\n       market-reports keys revoke --key-prefix <prefix>\n\nKeys are shown once; only their SHA-256 is stored. Revoked keys answer UNAUTHORIZED.",
};

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === "--help" || command === "-h" || command === "help") {
    console.log(USAGE);
    return command ? 0 : 1;
  }
  if (!(COMMANDS as readonly string[]).includes(command)) {
    console.error(`Unknown command "${command}".\n\n${USAGE}`);
    return 2;
  }
  // tick and worker parse their own flags (and their own --help) and load their own code.
  if (command === "tick") return (await import("./tick-command.js")).runTickCommand(rest);
  if (command === "worker") return (await import("./worker-command.js")).runWorkerCommand(rest);

  if (command === "accounts" || command === "keys") {
    const args = parseCommandArgs(rest, ACCOUNT_FLAGS, true);
    if (args.values.help) return printHelp(command);
    return (await import("./accounts-command.js")).runAccountsCommand(command, args, parseEnv());
  }
  if (parseCommandArgs(rest, {}).values.help) return printHelp(command);
  const env = parseEnv();
  switch (command as CommandName) {
    case "migrate":
      return (await import("./migrate-command.js")).runMigrateCommand(env);
    case "api":
      return (await import("./api-command.js")).runApiCommand(env);
    case "dev":
      return (await import("./dev-command.js")).runDevCommand(env);
  }
  return 2;
}

function printHelp(command: string): number {
  console.log(HELP[command]);
  return 0;
}

export async function runCli(argv: string[]): Promise<number> {
  try {
    return await main(argv);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      return 1;
    }
    if (error instanceof UsageError) {
      console.error(`${error.message}\nRun with --help for usage.`);
      return 2;
    }
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  }
}



if (isEntryPoint(import.meta.url)) {
  // Long-running commands (api, worker, dev) resolve only once they have shut down.
  runCli(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
