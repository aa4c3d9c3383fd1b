import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { sql } from "kysely";
import { pino } from "pino";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRabbitQueue } from "../../src/queue/rabbitmq-queue.js";
import { topologyFor } from "../../src/queue/rabbitmq-topology.js";
import { SYSTEM_ROLE } from "../../src/db/tenant.js";
import { runTickCommand } from "../../src/commands/tick-command.js";
import { TICK_ROLE } from "../../src/tick/tick-report.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { AMQP_URL, postgresUp, rabbitUp } from "../support/services.js";
import { openSideChannel, uniquePrefix, type RabbitSideChannel } from "../support/rabbit-side-channel.js";
import { insertAccount, insertDueSchedules, insertSchedule } from "../support/schedules.js";
import { countRuns, nextRunOf } from "./fixtures.js";

const up = (await postgresUp()) && (await rabbitUp());
const run = promisify(execFile);

describe.skipIf(!up)("market-reports tick (runTickCommand)", () => {
  let tdb: TestDatabase;
  let side: RabbitSideChannel;
  const prefix = uniquePrefix("cmd");
  const topology = topologyFor(prefix);

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_tickcmd", 2);
    side = await openSideChannel();
    // Declared up front so purging between tests never hits a missing queue.
    await (await createRabbitQueue({ url: AMQP_URL, prefix })).close();
  });
  afterAll(async () => {
    await side.deleteAll(prefix);
    await side.close();
    await tdb.drop();
  });
  beforeEach(async () => {
    await sql`TRUNCATE accounts CASCADE`.execute(tdb.handle.db);
    await Promise.all([topology.jobsQueue, topology.priorityQueue].map((q) => side.channel.purgeQueue(q)));
  });

  const invoke = async (argv: string[], env: Record<string, string> = {}) => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const exits: number[] = [];
    const code = await runTickCommand(argv, {
      env: { DATABASE_URL: tdb.url, AMQP_URL, LOG_LEVEL: "silent", ...env },
      queuePrefix: prefix,
      stdout: (l) => stdout.push(l),
      stderr: (l) => stderr.push(l),
      forceExit: (c) => exits.push(c),
    });
    return { code, stdout, stderr, exits };
  };

  it("probes as the same system role the rest of the code uses", () => {
    expect(TICK_ROLE).toBe(SYSTEM_ROLE);
  });

  it("--help prints usage and exits 0", async () => {
    const r = await invoke(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout.join("\n")).toMatch(/--dry-run/);
    expect(r.stdout.join("\n")).toMatch(/--limit N/);
  });

  it("rejects unknown flags and a bad --limit with exit 2 and one line", async () => {
    for (const argv of [["--now"], ["--limit", "zero"], ["--limit"]]) {
      const r = await invoke(argv);
      expect(r.code).toBe(2);
      expect(r.stderr).toHaveLength(1);
    }
  });

  it("drains what is due and prints the summary line", async () => {
    const account = await insertAccount(tdb.handle.db);
    await insertDueSchedules(tdb.handle.db, [account], 25, new Date());
    const r = await invoke([]);
    expect(r.stderr).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.stdout).toHaveLength(1);
    const summary = JSON.parse(r.stdout[0]);
    expect(Object.keys(summary)).toEqual(["due", "claimed", "published", "republished", "failed", "ms"]);
    expect(summary).toMatchObject({ due: 25, claimed: 25, published: 25, republished: 0, failed: 0 });
    expect(await side.jobCount(topology)).toBe(25);
    expect(r.exits).toEqual([]);
  });

  it("with nothing due, reports zeros and the seed's log lines", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "info" }, { write: (l: string) => void lines.push(l) });
    const stdout: string[] = [];
    const code = await runTickCommand([], {
      env: { DATABASE_URL: tdb.url, AMQP_URL },
      queuePrefix: prefix,
      logger,
      stdout: (l) => stdout.push(l),
      stderr: (l) => stdout.push(`stderr: ${l}`),
      forceExit: () => undefined,
    });
    expect(code).toBe(0);
    expect(JSON.parse(stdout[0])).toMatchObject({ due: 0, claimed: 0, published: 0, republished: 0, failed: 0 });
    const messages = lines.map((l) => JSON.parse(l).msg);
    expect(messages).toEqual(["Found 0 due schedule(s)", "Tick finished"]);
  });

  it("--limit claims at most N", async () => {
    const account = await insertAccount(tdb.handle.db);
    await insertDueSchedules(tdb.handle.db, [account], 5, new Date());
    const r = await invoke(["--limit", "3"]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout[0])).toMatchObject({ due: 5, claimed: 3, published: 3 });
  });

  it("--dry-run changes nothing and needs no broker", async () => {
    const account = await insertAccount(tdb.handle.db);
    const id = await insertSchedule(tdb.handle.db, account, { next_run_at: "2025-01-06T17:00:00Z" });
    const r = await invoke(["--dry-run"], { AMQP_URL: "" });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout[0])).toMatchObject({ due: 1, claimed: 0, published: 0 });
    expect(await countRuns(tdb.handle.db)).toBe(0);
    expect(await nextRunOf(tdb.handle.db, id)).toEqual(new Date("2025-01-06T17:00:00Z"));
  });

  it("exits 1 with one line when RabbitMQ is unreachable, claiming nothing; a later tick finishes", async () => {
    const account = await insertAccount(tdb.handle.db);
    await insertDueSchedules(tdb.handle.db, [account], 10, new Date());
    const down = await invoke([], { AMQP_URL: "amqp://guest:guest@127.0.0.1:1" });
    expect(down.code).toBe(1);
    expect(down.stdout).toEqual([]);
    expect(down.stderr).toHaveLength(1);
    expect(down.stderr[0]).toMatch(/^tick: cannot reach RabbitMQ at 127\.0\.0\.1:1: /);
    expect(down.stderr[0]).not.toMatch(/guest/);
    expect(await countRuns(tdb.handle.db)).toBe(0);

    const back = await invoke([]);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout[0])).toMatchObject({ due: 10, claimed: 10, published: 10 });
    expect(await countRuns(tdb.handle.db, "queued")).toBe(10);
  });

  it("exits 1 with one line when Postgres is unreachable", async () => {
    const r = await invoke([], { DATABASE_URL: "postgres://postgres:secret@127.0.0.1:1/nothing" });
    expect(r.code).toBe(1);
    expect(r.stderr).toHaveLength(1);
    expect(r.stderr[0]).toMatch(/^tick: cannot reach Postgres at 127\.0\.0\.1:1\/nothing: .*ECONNREFUSED/);
    expect(r.stderr[0]).not.toMatch(/secret/);
  });

  it("exits 1 with the problem when the configuration is incomplete", async () => {
    const r = await invoke([], { DATABASE_URL: "", AMQP_URL: "" });
    expect(r.code).toBe(1);
    expect(r.stderr[0]).toMatch(/DATABASE_URL/);
    const bad = await invoke([], { TICK_BUDGET_SECONDS: "soon" });
    expect(bad.code).toBe(1);
    expect(bad.stderr[0]).toMatch(/TICK_BUDGET_SECONDS/);
  });

  it("runs as its own process: exit code, summary line, nothing else on stdout but logs", async () => {
    const account = await insertAccount(tdb.handle.db);
    await insertDueSchedules(tdb.handle.db, [account], 3, new Date());
    const { stdout, stderr } = await run(process.execPath, ["--import", "tsx", "src/commands/tick-command.ts"], {
      env: { ...process.env, DATABASE_URL: tdb.url, AMQP_URL, LOG_LEVEL: "silent", AMQP_PREFIX: prefix },
      timeout: 60_000,
    }).catch((e: { code: number; stdout: string; stderr: string }) => {
      throw new Error(`tick exited ${e.code}: ${e.stderr}`);
    });
    expect(stderr).toBe("");
    const lines = stdout.trim().split("\n");
    expect(JSON.parse(lines[lines.length - 1])).toMatchObject({ due: 3, claimed: 3, published: 3 });
  });
});
