import { createHmac } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAccount } from "../../src/accounts/account.repository.js";
import { createApiApp, listen, type RunningServer } from "../../src/api/server.js";
import type { Env } from "../../src/config/env.js";
import { REPORT_CSP } from "../../src/render/report-html.js";
import { reportLinkExpiry, signReportLink } from "../../src/report-links/signed-link.js";
import { createLocalObjectStore } from "../../src/storage/local-object-store.js";
import { testEnv, TEST_LINK_SECRET, TEST_SECRET } from "../support/api.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

/** What every build signed with outside production until secrets had to be configured. */
const OLD_PUBLIC_CONSTANT = "development-only-unsubscribe-secret";

describe.skipIf(!up)("GET /r/:id on real Postgres: signatures, rotation, headers", () => {
  let tdb: TestDatabase;
  let dir: string;
  let reportId: string;
  const servers: RunningServer[] = [];
  const expiresAt = reportLinkExpiry(new Date(), 30);

  async function serve(env: Env): Promise<string> {
    const server = await listen(createApiApp({ env, db: tdb.handle.db, logger: pino({ level: "silent" }), store: createLocalObjectStore(dir) }), 0, "127.0.0.1");
    servers.push(server);
    return server.url;
  }
  const linkOn = (base: string, secret: string) => signReportLink(secret, base, reportId, expiresAt);

  beforeAll(async () => {
    tdb = await createTestDatabase("mr_links");
    dir = await mkdtemp(path.join(tmpdir(), "mr-links-"));
    await createLocalObjectStore(dir).put("reports/l/x.html", Buffer.from("<!doctype html><p>report</p>"), "text/html");
    const account = (await createAccount(tdb.handle.db, "Links")).account.id;
    const schedule = await tdb.handle.db
      .insertInto("schedules")
      .values({ account_id: account, name: "s", report_type: "market_snapshot", city: "San Diego", cadence: "daily", recipients: ["x@example.com"], filters: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    reportId = (
      await tdb.handle.db
        .insertInto("report_runs")
        .values({ account_id: account, schedule_id: schedule.id, report_type: "market_snapshot", params: "{}", html_key: "reports/l/x.html" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    for (const s of servers) await s.close(1_000);
    await tdb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a link forged with the old built-in development secret, or signed with the unsubscribe secret, is refused", async () => {
    const base = await serve(testEnv());
    for (const secret of [OLD_PUBLIC_CONSTANT, TEST_SECRET]) {
      const res = await fetch(linkOn(base, secret));
      expect(res.status, secret).toBe(403);
      expect(await res.text()).not.toContain("report</p>");
    }
    // the same forgery without a key id (the old link shape) is refused too
    const exp = Math.floor(expiresAt.getTime() / 1000);
    const key = createHmac("sha256", OLD_PUBLIC_CONSTANT).update("report-link").digest();
    const sig = createHmac("sha256", key).update(`${reportId}.${exp}`).digest("hex");
    expect((await fetch(`${base}/r/${reportId}?exp=${exp}&sig=${sig}`)).status).toBe(403);
  });

  it("a valid link serves the report under the report CSP, unframeable and not sniffed", async () => {
    const base = await serve(testEnv());
    const res = await fetch(linkOn(base, TEST_LINK_SECRET));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("report</p>");
    expect(res.headers.get("content-security-policy")).toBe(`${REPORT_CSP}; frame-ancestors 'none'`);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const refused = await fetch(`${base}/r/${reportId}?exp=1&sig=${"0".repeat(64)}`);
    expect(refused.status).toBe(403);
    expect(refused.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
    expect(refused.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(refused.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("after rotating REPORT_LINK_SECRET, links already sent keep working while the old secret is kept as _PREVIOUS", async () => {
    const rotated = "rotated-report-link-secret-abcdefghijklmnopqrstuvwxyz";
    const during = await serve(testEnv({ REPORT_LINK_SECRET: rotated, REPORT_LINK_SECRET_PREVIOUS: TEST_LINK_SECRET }));
    expect((await fetch(linkOn(during, TEST_LINK_SECRET))).status).toBe(200);
    expect((await fetch(linkOn(during, rotated))).status).toBe(200);
    const after = await serve(testEnv({ REPORT_LINK_SECRET: rotated }));
    expect((await fetch(linkOn(after, TEST_LINK_SECRET))).status).toBe(403);
  });
});
