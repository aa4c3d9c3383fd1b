import { describe, expect, it } from "vitest";
import { nextRunAt } from "../../src/time/next-run-at.js";
import { revokeApiKey } from "../../src/accounts/account.repository.js";
import { createApiKey } from "../../src/accounts/account.repository.js";
import { errorOf, SEED_CREATE_BODY, useTestApi } from "../support/api.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

describe.skipIf(!up)("schedules API over HTTP (real Postgres)", () => {
  const api = useTestApi();

  it("create accepts the seed's request body verbatim and returns next_run_at already computed", async () => {
    const before = new Date();
    const s = await api.accountA.client.schedules.create.mutate(SEED_CREATE_BODY);
    expect(s).toMatchObject({ ...SEED_CREATE_BODY, timezone: "UTC", lookback_days: 30, zip_codes: [], include_attachment: false, account_id: api.accountA.id });
    expect(s.next_run_at).not.toBeNull();
    const expected = nextRunAt({ cadence: "weekly", weekly_dow: 1, monthly_dom: null, send_hour: 9, send_minute: 0, timezone: "UTC" }, before);
    expect(s.next_run_at).toBe(expected.toISOString());
  });

  it("create normalises recipients (lower-cased, de-duplicated) and ZIPs", async () => {
    const s = await api.accountA.client.schedules.create.mutate({
      ...SEED_CREATE_BODY,
      zip_codes: ["92101", "92103", "92101"],
      recipients: ["A@Example.com", "a@example.com", "b@example.com"],
      timezone: "America/Los_Angeles",
    });
    expect(s.recipients).toEqual(["a@example.com", "b@example.com"]);
    expect(s.zip_codes).toEqual(["92101", "92103"]);
    expect(s.timezone).toBe("America/Los_Angeles");
  });

  it("list pages newest first with a cursor, and filters inactive by default", async () => {
    const client = api.accountB.client;
    for (let i = 0; i < 5; i++) {
      await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: `S${i}`, active: i !== 4 });
    }
    const first = await client.schedules.list.query({ limit: 2 });
    expect(first.schedules.map((s) => s.name)).toEqual(["S3", "S2"]);
    expect(first.count).toBe(2);
    expect(first.next_cursor).toBeTruthy();
    const second = await client.schedules.list.query({ limit: 2, cursor: first.next_cursor! });
    expect(second.schedules.map((s) => s.name)).toEqual(["S1", "S0"]);
    expect(second.next_cursor).toBeNull();
    const all = await client.schedules.list.query({ active_only: false, limit: 200 });
    expect(all.schedules.map((s) => s.name)).toEqual(["S4", "S3", "S2", "S1", "S0"]);
    const defaults = await client.schedules.list.query();
    expect(defaults.count).toBe(4);
  });

  it("get returns the schedule; update is partial and recomputes next_run_at only when timing changes", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Timing" });
    expect((await client.schedules.get.query({ id: s.id })).name).toBe("Timing");

    const renamed = await client.schedules.update.mutate({ id: s.id, name: "Renamed" });
    expect(renamed.name).toBe("Renamed");
    expect(renamed.next_run_at).toBe(s.next_run_at);
    expect(renamed.cadence).toBe("weekly");

    const moved = await client.schedules.update.mutate({ id: s.id, send_hour: 10, timezone: "America/New_York" });
    expect(moved.next_run_at).not.toBe(s.next_run_at);
    expect(new Date(moved.next_run_at!).getTime()).toBe(
      nextRunAt({ ...moved, weekly_dow: moved.weekly_dow, monthly_dom: moved.monthly_dom }, new Date(new Date(moved.updated_at).getTime() - 1)).getTime(),
    );

    const toDaily = await client.schedules.update.mutate({ id: s.id, cadence: "daily" });
    expect(toDaily.weekly_dow).toBeNull();
    expect(toDaily.cadence).toBe("daily");

    const err = await errorOf(client.schedules.update.mutate({ id: s.id, cadence: "monthly" }));
    expect(err.data?.code).toBe("BAD_REQUEST");
    expect(err.message).toContain("monthly_dom: is required when cadence is monthly");
    expect((await client.schedules.get.query({ id: s.id })).cadence).toBe("daily");

    const monthly = await client.schedules.update.mutate({ id: s.id, cadence: "monthly", monthly_dom: 31 });
    expect(monthly.monthly_dom).toBe(31);

    const paused = await client.schedules.update.mutate({ id: s.id, active: false });
    expect(paused.active).toBe(false);
  });

  it("update with no timing change keeps next_run_at even when the same values are sent", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Same" });
    const same = await client.schedules.update.mutate({ id: s.id, send_hour: 9, weekly_dow: 1 });
    expect(same.next_run_at).toBe(s.next_run_at);
  });

  it("runs lists a schedule's runs newest first", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "With runs" });
    const db = api.tdb.handle.db;
    for (const [i, status] of (["completed", "failed", "queued"] as const).entries()) {
      await db
        .insertInto("schedule_runs")
        .values({ account_id: api.accountA.id, schedule_id: s.id, scheduled_for: new Date(Date.UTC(2025, 0, i + 1)), status, created_at: new Date(Date.UTC(2025, 0, i + 1)), error: status === "failed" ? "listing source timed out" : null })
        .execute();
    }
    const { runs } = await client.schedules.runs.query({ id: s.id });
    expect(runs.map((r) => r.status)).toEqual(["queued", "failed", "completed"]);
    expect(runs[1]!.error).toBe("listing source timed out");
    expect((await client.schedules.runs.query({ id: s.id, limit: 1 })).runs).toHaveLength(1);
    // The list carries each schedule's newest run; a schedule never run has none.
    const never = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Never run" });
    const listed = (await client.schedules.list.query({ status: "all", limit: 200 })).schedules;
    expect(listed.find((x) => x.id === s.id)!.last_run).toEqual({
      kind: "scheduled",
      status: "queued",
      scheduled_for: new Date(Date.UTC(2025, 0, 3)).toISOString(),
      finished_at: null,
    });
    expect(listed.find((x) => x.id === never.id)!.last_run).toBeNull();
  });

  it("delete removes the schedule and its runs", async () => {
    const client = api.accountA.client;
    const s = await client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "Doomed" });
    await api.tdb.handle.db.insertInto("schedule_runs").values({ account_id: api.accountA.id, schedule_id: s.id, scheduled_for: new Date() }).execute();
    expect(await client.schedules.delete.mutate({ id: s.id })).toEqual({ id: s.id, deleted: true });
    expect((await errorOf(client.schedules.get.query({ id: s.id }))).data?.code).toBe("NOT_FOUND");
    const runs = await api.tdb.handle.db.selectFrom("schedule_runs").select("id").where("schedule_id", "=", s.id).execute();
    expect(runs).toEqual([]);
    expect((await errorOf(client.schedules.delete.mutate({ id: s.id }))).data?.code).toBe("NOT_FOUND");
  });

  it("another account's schedule reads as NOT_FOUND for every procedure, and is left unchanged", async () => {
    const mine = await api.accountA.client.schedules.create.mutate({ ...SEED_CREATE_BODY, name: "A's private" });
    const other = api.accountB.client.schedules;
    for (const call of [
      () => other.get.query({ id: mine.id }),
      () => other.update.mutate({ id: mine.id, name: "hijacked" }),
      () => other.delete.mutate({ id: mine.id }),
      () => other.runs.query({ id: mine.id }),
    ]) {
      const err = await errorOf(call());
      expect(err.data?.code).toBe("NOT_FOUND");
      expect(err.data?.httpStatus).toBe(404);
      expect(err.message).toBe("schedule not found");
    }
    const listed = await other.list.query({ active_only: false, limit: 200 });
    expect(listed.schedules.some((s) => s.id === mine.id)).toBe(false);
    expect(new Set(listed.schedules.map((s) => s.account_id))).toEqual(new Set([api.accountB.id]));
    expect((await api.accountA.client.schedules.get.query({ id: mine.id })).name).toBe("A's private");
  });

  it("rejects missing, unknown and revoked keys with UNAUTHORIZED", async () => {
    expect((await errorOf(api.clientFor().schedules.list.query())).data?.code).toBe("UNAUTHORIZED");
    expect((await errorOf(api.clientFor("mr_deadbeef_" + "x".repeat(43)).schedules.list.query())).data?.code).toBe("UNAUTHORIZED");
    expect((await errorOf(api.clientFor("not-a-key").schedules.list.query())).data?.code).toBe("UNAUTHORIZED");
    const extra = await createApiKey(api.tdb.handle.db, api.accountA.id);
    const client = api.clientFor(extra!.apiKey);
    expect((await client.schedules.list.query()).schedules.length).toBeGreaterThan(0);
    expect(await revokeApiKey(api.tdb.handle.db, extra!.keyPrefix)).toBe(1);
    const err = await errorOf(client.schedules.list.query());
    expect(err.data?.code).toBe("UNAUTHORIZED");
    expect(err.data?.httpStatus).toBe(401);
  });

  it("plain curl-style HTTP works: JSON body for mutations, ?input= for queries", async () => {
    const res = await fetch(`${api.url}/trpc/schedules.create`, {
      method: "POST",
      headers: { Authorization: `Bearer ${api.accountA.apiKey}`, "Content-Type": "application/json" },
      body: JSON.stringify({ ...SEED_CREATE_BODY, name: "curl" }),
    });
    expect(res.status).toBe(200);
    const created = (await res.json()) as { result: { data: { id: string; name: string } } };
    expect(created.result.data.name).toBe("curl");
    const get = await fetch(`${api.url}/trpc/schedules.get?input=${encodeURIComponent(JSON.stringify({ id: created.result.data.id }))}`, {
      headers: { Authorization: `Bearer ${api.accountA.apiKey}` },
    });
    expect(((await get.json()) as { result: { data: { id: string } } }).result.data.id).toBe(created.result.data.id);
    expect(get.headers.get("x-request-id")).toBeTruthy();
  });

  it("health and readiness endpoints answer; /metrics is not served on the API's port", async () => {
    expect((await fetch(`${api.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${api.url}/readyz`);
    expect(ready.status).toBe(200);
    // Metrics are on the internal METRICS_PORT (test/api/observability.test.ts), never on the API's port.
    expect((await fetch(`${api.url}/metrics`)).status).toBe(404);
  });
});
