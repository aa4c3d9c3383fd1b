/**
 * bench:api — autocannon at 32 connections against schedules list (50 rows) and create, through
 * our tRPC API and our REST /v1 routes (one server), and, in the same run, a bare express + pg
 * handler doing the same SQL under the same RLS setup. Each server runs in its own process;
 * autocannon runs here. The headline figure is the slower of tRPC and /v1 against the bare handler.
 *   npx tsx bench/api.ts [--seconds 10] [--connections 32]
 */
import type { ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { sql } from "kysely";
import { createAccount } from "../src/accounts/account.repository.js";
import { EXAMPLE_SCHEDULE } from "../src/dev/example-schedule.js";
import { createTestDatabase } from "../test/support/database.js";
import { intFlag } from "./support/int-flag.js";
import { startReadyChild } from "./support/ready-child.js";

const seconds = intFlag("seconds", 10);
const connections = intFlag("connections", 32);

const body = { ...EXAMPLE_SCHEDULE, recipients: ["client@example.com", "other@example.com"] };

async function startServer(kind: "ours" | "bare", url: string, port: number): Promise<ChildProcess> {
  return (await startReadyChild("bench/support/api-server-process.ts", [kind, url, String(port)])).child;
}

function cpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const onData = (d: Buffer) => {
      const m = /cpu ([\d.]+)/.exec(d.toString());
      if (m) {
        child.stdout!.off("data", onData);
        resolve(Number(m[1]));
      }
    };
    child.stdout!.on("data", onData);
    child.stdin!.write("cpu\n");
  });
}

/** Requests per second, p99 latency, and the server's CPU time per request (µs). */
async function load(server: ChildProcess, url: string, options: Partial<autocannon.Options>) {
  const cpuBefore = await cpuMs(server);
  const result = await autocannon({ url, connections, duration: seconds, ...options });
  const cpu = (await cpuMs(server)) - cpuBefore;
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx, ${result.errors} errors`);
  return { rps: result.requests.average, p99: result.latency.p99, cpuUsPerRequest: Math.round((cpu * 1000) / result.requests.total) };
}

const db = await createTestDatabase("mr_bench_api", 4);
try {
  const { apiKey } = await createAccount(db.handle.db, "Bench Realty");
  const account = (await db.handle.db.selectFrom("accounts").select("id").executeTakeFirstOrThrow()).id;
  for (let i = 0; i < 60; i++) {
    await db.handle.db
      .insertInto("schedules")
      .values({ account_id: account, name: `Schedule ${i}`, report_type: "market_snapshot", city: "San Diego", zip_codes: ["92101"], cadence: "daily", recipients: ["a@example.com", "b@example.com"], next_run_at: new Date(Date.now() + 86_400_000) })
      .execute();
  }
  const seededUntil = new Date();
  const auth = { authorization: `Bearer ${apiKey}` };
  const ours = await startServer("ours", db.url, 4101);
  const bare = await startServer("bare", db.url, 4102);
  try {
    const listInput = encodeURIComponent(JSON.stringify({ limit: 50 }));
    const post = { method: "POST" as const, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) };
    const targets = {
      trpc: { server: ours, list: `http://127.0.0.1:4101/trpc/schedules.list?input=${listInput}`, create: "http://127.0.0.1:4101/trpc/schedules.create" },
      v1: { server: ours, list: "http://127.0.0.1:4101/v1/schedules?limit=50", create: "http://127.0.0.1:4101/v1/schedules" },
      bare: { server: bare, list: "http://127.0.0.1:4102/schedules", create: "http://127.0.0.1:4102/schedules" },
    };
    // Warm every path (JIT, pools) before measuring.
    for (const target of Object.values(targets)) {
      await autocannon({ url: target.list, connections, duration: 2, headers: auth });
    }
    const measured = {} as Record<keyof typeof targets, { list: Awaited<ReturnType<typeof load>>; create: Awaited<ReturnType<typeof load>>; rps: number }>;
    // Every phase starts from the same 60 schedules: creates pile up thousands, and the quota count
    // a create makes grows with them, which would handicap whichever server is measured last.
    const reset = () => sql`delete from schedules where created_at > ${seededUntil}`.execute(db.handle.db);
    for (const [name, target] of Object.entries(targets) as [keyof typeof targets, (typeof targets)["bare"]][]) {
      await reset();
      const list = await load(target.server, target.list, { headers: auth });
      await reset();
      const create = await load(target.server, target.create, post);
      measured[name] = { list, create, rps: (list.rps + create.rps) / 2 };
      for (const [op, r] of [["list", list], ["create", create]] as const) {
        console.log(`${name} ${op}: ${r.rps.toFixed(0)} req/s, p99 ${r.p99} ms, ${r.cpuUsPerRequest} µs CPU/req`);
      }
    }
    const { trpc, v1, bare: reference } = measured;
    const slower = Math.min(trpc.rps, v1.rps);
    const figures = (prefix: string, m: (typeof measured)["bare"]) => ({
      [`${prefix}_list_rps`]: Math.round(m.list.rps),
      [`${prefix}_create_rps`]: Math.round(m.create.rps),
      [`${prefix}_list_p99_ms`]: m.list.p99,
      [`${prefix}_create_p99_ms`]: m.create.p99,
      [`${prefix}_list_cpu_us_per_req`]: m.list.cpuUsPerRequest,
      [`${prefix}_create_cpu_us_per_req`]: m.create.cpuUsPerRequest,
    });
    console.log(
      JSON.stringify({
        bench: "api",
        unit: "req/s",
        ours: Math.round(slower),
        ceiling: null,
        reference: Math.round(reference.rps),
        vs_ceiling: null,
        vs_reference: Number((slower / reference.rps).toFixed(3)),
        trpc_vs_reference: Number((trpc.rps / reference.rps).toFixed(3)),
        v1_vs_reference: Number((v1.rps / reference.rps).toFixed(3)),
        ...figures("trpc", trpc),
        ...figures("v1", v1),
        ...figures("reference", reference),
        connections,
        seconds,
      }),
    );
  } finally {
    ours.kill("SIGTERM");
    bare.kill("SIGTERM");
  }
} finally {
  await db.drop();
}
