import { describe, expect, it } from "vitest";
import { errorOf, SEED_CREATE_BODY, unchecked, useTestApi } from "../support/api.js";
import { postgresUp } from "../support/services.js";

const up = await postgresUp();

const valid = { ...SEED_CREATE_BODY, zip_codes: ["92101"], timezone: "America/Los_Angeles" };

/** [what is wrong, the input, the message that must come back (field: rule)] */
const createCases: [string, Record<string, unknown>, string][] = [
  ["empty name", { ...valid, name: "" }, "name: must be 1 to 200 characters"],
  ["long name", { ...valid, name: "x".repeat(201) }, "name: must be 1 to 200 characters"],
  ["missing name", { ...valid, name: undefined }, "name: is required"],
  ["unknown report type", { ...valid, report_type: "weather" }, "report_type: must be one of market_snapshot"],
  ["long city", { ...valid, city: "x".repeat(101) }, "city: must be 1 to 100 characters"],
  ["no area", { ...valid, city: undefined, zip_codes: [] }, "city: a city or at least one ZIP code is required"],
  ["bad zip", { ...valid, zip_codes: ["9210"] }, "zip_codes[0]: must be a 5-digit US ZIP code"],
  ["zip+4", { ...valid, zip_codes: ["92101-1234"] }, "zip_codes[0]: must be a 5-digit US ZIP code"],
  ["101 zips", { ...valid, zip_codes: Array.from({ length: 101 }, (_, i) => String(10000 + i)) }, "zip_codes: must hold at most 100 ZIP codes"],
  ["lookback 0", { ...valid, lookback_days: 0 }, "lookback_days: must be 1 to 365"],
  ["lookback 366", { ...valid, lookback_days: 366 }, "lookback_days: must be 1 to 365"],
  ["lookback fraction", { ...valid, lookback_days: 1.5 }, "lookback_days: must be a whole number of days"],
  ["bad cadence", { ...valid, cadence: "hourly" }, "cadence: must be daily, weekly or monthly"],
  ["weekly without dow", { ...valid, weekly_dow: undefined }, "weekly_dow: is required when cadence is weekly"],
  ["dow 7", { ...valid, weekly_dow: 7 }, "weekly_dow: must be 0 (Sunday) to 6 (Saturday)"],
  ["daily with dow", { ...valid, cadence: "daily" }, "weekly_dow: is only allowed when cadence is weekly"],
  ["monthly without dom", { ...valid, cadence: "monthly", weekly_dow: undefined }, "monthly_dom: is required when cadence is monthly"],
  ["dom 32", { ...valid, cadence: "monthly", weekly_dow: undefined, monthly_dom: 32 }, "monthly_dom: must be 1 to 31"],
  ["weekly with dom", { ...valid, monthly_dom: 3 }, "monthly_dom: is only allowed when cadence is monthly"],
  ["hour 24", { ...valid, send_hour: 24 }, "send_hour: must be 0 to 23"],
  ["minute 60", { ...valid, send_minute: 60 }, "send_minute: must be 0 to 59"],
  ["bad zone", { ...valid, timezone: "Mars/Olympus" }, "timezone: must be an IANA time zone name"],
  ["no recipients", { ...valid, recipients: [] }, "recipients: must list 1 to 50 email addresses"],
  ["51 recipients", { ...valid, recipients: Array.from({ length: 51 }, (_, i) => `r${i}@example.com`) }, "recipients: must list 1 to 50 email addresses"],
  ["bad email", { ...valid, recipients: ["ok@example.com", "not-an-email"] }, "recipients[1]: must be a valid email address"],
  ["unknown key", { ...valid, colour: "blue" }, "colour: is not a known field"],
  ["string hour", { ...valid, send_hour: "9" }, "send_hour: must be 0 to 23"],
];

describe.skipIf(!up)("input validation: BAD_REQUEST naming the field and the rule, nothing written", () => {
  const api = useTestApi();

  it.each(createCases)("create: %s", async (_what, input, message) => {
    const err = await errorOf(api.accountA.client.schedules.create.mutate(unchecked(input)));
    expect(err.data?.code).toBe("BAD_REQUEST");
    expect(err.data?.httpStatus).toBe(400);
    expect(err.message).toContain(message);
    const count = await api.tdb.handle.db.selectFrom("schedules").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(0);
  });

  it("update: the merged result is re-checked and a rejected update changes nothing", async () => {
    const s = await api.accountA.client.schedules.create.mutate(valid);
    const cases: [Record<string, unknown>, string][] = [
      [{ cadence: "monthly" }, "monthly_dom: is required when cadence is monthly"],
      [{ weekly_dow: null }, "weekly_dow: is required when cadence is weekly"],
      [{ city: null, zip_codes: [] }, "city: a city or at least one ZIP code is required"],
      [{ send_minute: -1 }, "send_minute: must be 0 to 59"],
      [{ recipients: [] }, "recipients: must list 1 to 50 email addresses"],
      [{ account_id: api.accountB.id }, "account_id: is not a known field"],
      [{ next_run_at: "2020-01-01T00:00:00Z" }, "next_run_at: is not a known field"],
    ];
    for (const [patch, message] of cases) {
      const error = await errorOf(api.accountA.client.schedules.update.mutate(unchecked({ id: s.id, ...patch })));
      expect(error.data?.code, JSON.stringify(patch)).toBe("BAD_REQUEST");
      expect(error.message).toContain(message);
    }
    const after = await api.accountA.client.schedules.get.query({ id: s.id });
    expect(after).toEqual(s);
  });

  it("bad ids, limits and cursors are rejected", async () => {
    const client = api.accountA.client.schedules;
    const cases: [() => Promise<unknown>, string][] = [
      [() => client.get.query({ id: "123" }), "id: must be a schedule id (UUID)"],
      [() => client.list.query({ limit: 201 }), "limit: must be 1 to 200"],
      [() => client.list.query({ limit: 0 }), "limit: must be 1 to 200"],
      [() => client.list.query({ cursor: "garbage" }), "cursor: is not a cursor this API returned"],
      [() => client.runs.query({ id: "00000000-0000-0000-0000-000000000000", limit: 501 }), "limit: must be 1 to 500"],
    ];
    for (const [call, message] of cases) {
      const error = await errorOf(call());
      expect(error.data?.code).toBe("BAD_REQUEST");
      expect(error.message).toContain(message);
    }
  });
});
