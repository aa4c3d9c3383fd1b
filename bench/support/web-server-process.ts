import express from "express";
import pino from "pino";
import { createApiApp, listen } from "../../src/api/server.js";
import { parseEnv } from "../../src/config/env.js";
import { connectDatabase } from "../../src/db/connect.js";
import { referenceHtml, referenceJs } from "./web-reference-page.js";

/**
 * bench:web's server, in its own process: the api app (serving the built web app from `webDir`)
 * with the reference page in front of it. Playwright's client runs in the benchmark's process and
 * handles every protocol event of the page there; sharing that event loop delayed the app's
 * requests, which come several at once, more than the reference's.
 *   bench/support/web-server-process.ts <databaseUrl> <webDir> <stylesheet> <rows>
 */
const [databaseUrl, webDir, stylesheet, rows] = process.argv.slice(2);
const handle = await connectDatabase({ databaseUrl: databaseUrl!, poolSize: 4 });
const env = parseEnv({ DATABASE_URL: databaseUrl, UNSUBSCRIBE_SECRET: "bench-web-unsubscribe-secret-0123456789", REPORT_LINK_SECRET: "bench-web-report-link-secret-0123456789", LOG_LEVEL: "silent" });
// The reference pages go in front of the API app, whose last handler answers every other path 404.
const app = express();
app.get("/bench-reference", (_req, res) => res.type("html").send(referenceHtml(stylesheet!)));
app.get("/bench-reference.js", (_req, res) => res.type("js").send(referenceJs(Number(rows))));
app.use(createApiApp({ env, db: handle.db, logger: pino({ level: "silent" }), webAppDir: webDir }));
const server = await listen(app, 0, "127.0.0.1");
process.stdout.write(`ready ${server.url}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.on(signal, () => {
    void server.close(1_000).then(() => handle.close()).finally(() => process.exit(0));
  });
