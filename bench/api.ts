/**
 * bench:api — autocannon at 32 connections against schedules.list (50 rows) and schedules.create,
 * on our tRPC API and, in the same run, a bare express + pg handler doing the same SQL under the
 * same RLS setup. Each server runs in its own process; autocannon runs here.
 *   npx tsx bench/api.ts [--seconds 10] [--connections 32]
 */
import { spawn, type ChildProcess } from "node:child_process";
import autocannon from "autocannon";
import { createAccount } from "../src/accounts/account.repository.js";
import { EXAMPLE_SCHEDULE } from "../src/dev/example-schedule.js";
import { createTestDatabase } from "../test/support/database.js";

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg("seconds", 10);
const connections = arg("connections", 32);

const body = { ...EXAMPLE_SCHEDULE, recipients: ["client@example.com", "other@example.com"] };

function startServer(kind: "ours" | "bare", url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", "bench/support/api-server-process.ts", kind, url, String(port)], { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("ready") && resolve(child));
    child.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
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
  const auth = { authorization: `Bearer ${apiKey}` };
  const ours = await startServer("ours", db.url, 4101);
  const bare = await startServer("bare", db.url, 4102);
  try {
    const listInput = encodeURIComponent(JSON.stringify({ limit: 50 }));
    // Warm both (JIT, pools) before measuring.
    await autocannon({ url: `http://127.0.0.1:4101/trpc/schedules.list?input=${listInput}`, connections, duration: 2, headers: auth });
    await autocannon({ url: "http://127.0.0.1:4102/schedules", connections, duration: 2, headers: auth });

    const oursList = await load(ours, `http://127.0.0.1:4101/trpc/schedules.list?input=${listInput}`, { headers: auth });
    const bareList = await load(bare, "http://127.0.0.1:4102/schedules", { headers: auth });
    const post = { method: "POST" as const, headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify(body) };
    const oursCreate = await load(ours, "http://127.0.0.1:4101/trpc/schedules.create", post);
    const bareCreate = await load(bare, "http://127.0.0.1:4102/schedules", post);

    const oursRps = (oursList.rps + oursCreate.rps) / 2;
    const bareRps = (bareList.rps + bareCreate.rps) / 2;
    for (const [name, o, b] of [["list", oursList, bareList], ["create", oursCreate, bareCreate]] as const) {
      console.log(`${name}: ours ${o.rps.toFixed(0)} req/s, p99 ${o.p99} ms, ${o.cpuUsPerRequest} µs CPU/req; bare ${b.rps.toFixed(0)} req/s, p99 ${b.p99} ms, ${b.cpuUsPerRequest} µs CPU/req`);
    }
    console.log(
      JSON.stringify({
        bench: "api",
        unit: "req/s",
        ours: Math.round(oursRps),
        ceiling: null,
        reference: Math.round(bareRps),
        vs_ceiling: null,
        vs_reference: Number((oursRps / bareRps).toFixed(3)),
        list_ours: Math.round(oursList.rps),
        list_reference: Math.round(bareList.rps),
        create_ours: Math.round(oursCreate.rps),
        create_reference: Math.round(bareCreate.rps),
        p99_ms_ours_list: oursList.p99,
        p99_ms_reference_list: bareList.p99,
        p99_ms_ours_create: oursCreate.p99,
        p99_ms_reference_create: bareCreate.p99,
        cpu_us_per_req_ours_list: oursList.cpuUsPerRequest,
        cpu_us_per_req_reference_list: bareList.cpuUsPerRequest,
        cpu_us_per_req_ours_create: oursCreate.cpuUsPerRequest,
        cpu_us_per_req_reference_create: bareCreate.cpuUsPerRequest,
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
