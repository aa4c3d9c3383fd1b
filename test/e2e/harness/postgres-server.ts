import { execFile } from "node:child_process";
import { appendFileSync, chownSync, copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { unusedPort } from "../../support/unused-port.js";

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A throwaway Postgres server of one scenario's own: restarting it drops only that scenario's
 * connections, never those of the machine's cluster that other suites are using at the time.
 */
export interface PostgresServer {
  /** The superuser's URL (trust on 127.0.0.1), database `postgres`. */
  url: string;
  port: number;
  dataDir: string;
  /** Stops the server (fast: every session ends), keeps it down `downMs`, starts it again. */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Stops it at once and deletes its files; its log is copied to `logDir` first. */
  remove(): Promise<void>;
}

/** E2E_PG_BIN, else the newest /usr/lib/postgresql/<version>/bin that has initdb and pg_ctl. */
export function postgresBinDir(): string | undefined {
  if (process.env.E2E_PG_BIN) return process.env.E2E_PG_BIN;
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, "bin")).find((bin) => existsSync(path.join(bin, "initdb")) && existsSync(path.join(bin, "pg_ctl")));
}

// initdb and the server refuse to run as root: as root, they run as the `postgres` OS user.
const asRoot = () => process.getuid?.() === 0;

async function owner(): Promise<{ uid: number; gid: number } | undefined> {
  if (!asRoot()) return undefined;
  const [uid, gid] = await Promise.all([run("id", ["-u", "postgres"]), run("id", ["-g", "postgres"])]);
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

function runAsOwner(bin: string, command: string, args: string[], timeoutMs = 120_000) {
  const file = path.join(bin, command);
  return asRoot() ? run("runuser", ["-u", "postgres", "--", file, ...args], { timeout: timeoutMs }) : run(file, args, { timeout: timeoutMs });
}

/** What starting a server of one's own needs here; undefined when it can, else what is missing. */
export async function missingForOwnPostgres(): Promise<string | undefined> {
  const bin = postgresBinDir();
  if (!bin) return "no Postgres server binaries (initdb, pg_ctl) under /usr/lib/postgresql/<version>/bin; set E2E_PG_BIN";
  if (!asRoot()) return undefined;
  if (!existsSync("/usr/sbin/runuser") && !existsSync("/sbin/runuser")) return "running as root without runuser to start Postgres as the postgres user";
  return owner().then(
    () => undefined,
    () => "running as root and there is no `postgres` OS user to run initdb and pg_ctl as",
  );
}

/**
 * initdb into a fresh temporary directory, then pg_ctl start on a free port, listening on
 * 127.0.0.1 only, trust authentication, its socket in that directory.
 */
export async function startPostgresServer(logDir: string): Promise<PostgresServer> {
  const bin = postgresBinDir();
  if (!bin) throw new Error("no Postgres server binaries found; set E2E_PG_BIN");
  const dir = mkdtempSync(path.join(os.tmpdir(), "mr-e2e-pg-"));
  const ids = await owner();
  if (ids) chownSync(dir, ids.uid, ids.gid);
  const dataDir = path.join(dir, "data");
  const logFile = path.join(dir, "postgres.log");
  const port = await unusedPort();
  const pgCtl = (...args: string[]) => runAsOwner(bin, "pg_ctl", ["-D", dataDir, "-l", logFile, "-w", "-t", "60", ...args]);
  try {
    await runAsOwner(bin, "initdb", ["-D", dataDir, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"]);
    // In postgresql.conf rather than on the command line, so every later start gets the same.
    appendFileSync(
      path.join(dataDir, "postgresql.conf"),
      [
        "",
        "listen_addresses = '127.0.0.1'",
        `port = ${port}`,
        `unix_socket_directories = '${dir}'`,
        // A throwaway server on a loaded machine: no crash safety needed; a restart here is clean.
        "fsync = off",
        "full_page_writes = off",
        "max_connections = 200",
        "",
      ].join("\n"),
    );
    await pgCtl("start");
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async restart(options = {}) {
      await pgCtl("-m", "fast", "stop");
      await sleep(options.downMs ?? 0);
      await pgCtl("start");
    },
    async remove() {
      await pgCtl("-m", "immediate", "stop").catch(() => undefined);
      if (existsSync(logFile)) copyFileSync(logFile, path.join(logDir, "postgres.log"));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
