import pino from "pino";
import { createApiApp, listen } from "../../src/api/server.js";
import { connectDatabase } from "../../src/db/connect.js";
import { parseEnv } from "../../src/config/env.js";
import { startBareApi } from "./bare-api-server.js";

/** Runs one server for the API benchmark in its own process: `ours` or `bare`. */
const [kind, databaseUrl, port] = process.argv.slice(2);
if (kind === "ours") {
  const handle = await connectDatabase({ databaseUrl, poolSize: 20 });
  const env = parseEnv({ DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", UNSUBSCRIBE_SECRET: "bench-unsubscribe-secret-0123456789abcdef", REPORT_LINK_SECRET: "bench-report-link-secret-0123456789abcdef",
    // Quotas high enough never to refuse the thousands of schedules the create phase makes; their
    // checks still run (and the bare handler makes the same ones).
    QUOTA_ACTIVE_SCHEDULES: "1000000", QUOTA_RECIPIENTS_PER_DAY: "100000000" });
  // Limits high enough never to trip: the benchmark measures their cost, not their refusals.
  const limits = { rateLimitPerIp: 1e9, rateLimitPerKey: 1e9 };
  await listen(createApiApp({ env, db: handle.db, logger: pino({ level: "silent" }) }, { limits }), Number(port), "127.0.0.1");
} else {
  await startBareApi(databaseUrl!, Number(port));
}
process.stdout.write("ready\n");
// On "cpu" from the benchmark, report this process's CPU time so far: a steadier figure than
// req/s on a shared, noisy machine.
process.stdin.on("data", () => {
  const { user, system } = process.cpuUsage();
  process.stdout.write(`cpu ${(user + system) / 1000}\n`);
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => process.exit(0));
