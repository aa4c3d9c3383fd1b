import { describe, expect, it } from "vitest";
import { localToInstant, nextRunAt, type ScheduleTiming } from "../../src/time/next-run-at.js";

const at = (iso: string) => new Date(iso);
const daily = (zone: string, hour: number, minute = 0): ScheduleTiming => ({
  cadence: "daily", weekly_dow: null, monthly_dom: null, send_hour: hour, send_minute: minute, timezone: zone,
});
const weekly = (zone: string, dow: number, hour: number, minute = 0): ScheduleTiming => ({
  cadence: "weekly", weekly_dow: dow, monthly_dom: null, send_hour: hour, send_minute: minute, timezone: zone,
});
const monthly = (zone: string, dom: number, hour: number, minute = 0): ScheduleTiming => ({
  cadence: "monthly", weekly_dow: null, monthly_dom: dom, send_hour: hour, send_minute: minute, timezone: zone,
});
const iso = (d: Date) => d.toISOString();

describe("nextRunAt: cadences", () => {
  it("weekly: Monday 09:00 Los Angeles from Friday 14 Nov 2025 → Monday 17 Nov 2025 09:00 PST", () => {
    // 14 Nov 2025 is a Friday; 17 Nov a Monday (the seed's example used dates off by one weekday).
    expect(iso(nextRunAt(weekly("America/Los_Angeles", 1, 9), at("2025-11-14T23:00:00Z")))).toBe("2025-11-17T17:00:00.000Z");
  });

  it("weekly: on the same day before the time fires that day; at or after it, a week later", () => {
    const t = weekly("UTC", 1, 9);
    expect(iso(nextRunAt(t, at("2025-11-10T08:59:00Z")))).toBe("2025-11-10T09:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-11-10T09:00:00Z")))).toBe("2025-11-17T09:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-11-10T09:00:01Z")))).toBe("2025-11-17T09:00:00.000Z");
  });

  it("daily: strictly after, today or tomorrow", () => {
    expect(iso(nextRunAt(daily("UTC", 9, 30), at("2025-03-01T09:29:59Z")))).toBe("2025-03-01T09:30:00.000Z");
    expect(iso(nextRunAt(daily("UTC", 9, 30), at("2025-03-01T09:30:00Z")))).toBe("2025-03-02T09:30:00.000Z");
  });

  it("monthly: the seed's examples on real dates (15th at 09:00)", () => {
    const t = monthly("UTC", 15, 9);
    expect(iso(nextRunAt(t, at("2025-11-10T15:00:00Z")))).toBe("2025-11-15T09:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-11-20T15:00:00Z")))).toBe("2025-12-15T09:00:00.000Z");
  });

  it("monthly: a day past the month's end fires on its last day, leap years included", () => {
    const t = monthly("UTC", 31, 8);
    expect(iso(nextRunAt(t, at("2025-04-01T00:00:00Z")))).toBe("2025-04-30T08:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-02-01T00:00:00Z")))).toBe("2025-02-28T08:00:00.000Z");
    expect(iso(nextRunAt(t, at("2024-02-01T00:00:00Z")))).toBe("2024-02-29T08:00:00.000Z");
    expect(iso(nextRunAt(monthly("UTC", 30, 8), at("2028-02-29T09:00:00Z")))).toBe("2028-03-30T08:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-12-31T08:00:00Z")))).toBe("2026-01-31T08:00:00.000Z");
  });

  it("the local date decides, not the UTC date", () => {
    // 23:30 UTC Sunday is already Monday 05:00 in Kolkata.
    expect(iso(nextRunAt(weekly("Asia/Kolkata", 1, 9), at("2025-11-09T23:30:00Z")))).toBe("2025-11-10T03:30:00.000Z");
  });
});

describe("nextRunAt: time zones across both DST changes of 2025", () => {
  it("America/New_York: spring-forward gap 02:30 fires at 03:30 EDT", () => {
    expect(iso(nextRunAt(daily("America/New_York", 2, 30), at("2025-03-09T05:00:00Z")))).toBe("2025-03-09T07:30:00.000Z");
    // the day after, normal EDT 02:30
    expect(iso(nextRunAt(daily("America/New_York", 2, 30), at("2025-03-09T07:30:00Z")))).toBe("2025-03-10T06:30:00.000Z");
  });

  it("America/New_York: fall-back overlap 01:30 fires once, at the first (EDT) occurrence", () => {
    const t = daily("America/New_York", 1, 30);
    const first = nextRunAt(t, at("2025-11-02T04:00:00Z"));
    expect(iso(first)).toBe("2025-11-02T05:30:00.000Z");
    expect(iso(nextRunAt(t, first))).toBe("2025-11-03T06:30:00.000Z");
  });

  it("America/New_York: 09:00 keeps its wall time across both changes", () => {
    expect(iso(nextRunAt(daily("America/New_York", 9), at("2025-03-08T15:00:00Z")))).toBe("2025-03-09T13:00:00.000Z");
    expect(iso(nextRunAt(daily("America/New_York", 9), at("2025-11-01T14:00:00Z")))).toBe("2025-11-02T14:00:00.000Z");
  });

  it("Europe/London: 01:30 on 30 Mar 2025 (gap) → 02:30 BST; 01:30 on 26 Oct (overlap) → first, BST", () => {
    expect(iso(nextRunAt(daily("Europe/London", 1, 30), at("2025-03-30T00:00:00Z")))).toBe("2025-03-30T01:30:00.000Z");
    expect(iso(nextRunAt(daily("Europe/London", 1, 30), at("2025-10-25T23:00:00Z")))).toBe("2025-10-26T00:30:00.000Z");
  });

  it("Australia/Sydney (southern hemisphere): DST ends 6 Apr 2025, starts 5 Oct 2025", () => {
    // 02:30 on 6 Apr occurs twice (AEDT then AEST): first occurrence, AEDT (+11).
    expect(iso(nextRunAt(daily("Australia/Sydney", 2, 30), at("2025-04-05T14:00:00Z")))).toBe("2025-04-05T15:30:00.000Z");
    // 02:30 on 5 Oct does not exist: read with AEST (+10) → 03:30 AEDT.
    expect(iso(nextRunAt(daily("Australia/Sydney", 2, 30), at("2025-10-04T14:00:00Z")))).toBe("2025-10-04T16:30:00.000Z");
    // 09:00 in January is AEDT (+11), in July AEST (+10).
    expect(iso(nextRunAt(daily("Australia/Sydney", 9), at("2025-01-15T00:00:00Z")))).toBe("2025-01-15T22:00:00.000Z");
    expect(iso(nextRunAt(daily("Australia/Sydney", 9), at("2025-07-15T00:00:00Z")))).toBe("2025-07-15T23:00:00.000Z");
  });

  it("Asia/Kolkata (+05:30, no DST): same UTC time all year", () => {
    expect(iso(nextRunAt(daily("Asia/Kolkata", 9), at("2025-01-15T00:00:00Z")))).toBe("2025-01-15T03:30:00.000Z");
    expect(iso(nextRunAt(daily("Asia/Kolkata", 9), at("2025-07-15T00:00:00Z")))).toBe("2025-07-15T03:30:00.000Z");
  });

  it("UTC: no shifts", () => {
    expect(iso(nextRunAt(daily("UTC", 2, 30), at("2025-03-09T00:00:00Z")))).toBe("2025-03-09T02:30:00.000Z");
    expect(iso(nextRunAt(daily("UTC", 2, 30), at("2025-03-30T00:00:00Z")))).toBe("2025-03-30T02:30:00.000Z");
  });

  it("weekly across a DST change: same wall time, different UTC", () => {
    const t = weekly("America/Los_Angeles", 1, 9);
    const before = nextRunAt(t, at("2025-10-28T00:00:00Z"));
    expect(iso(before)).toBe("2025-11-03T17:00:00.000Z");
    expect(iso(nextRunAt(t, at("2025-10-20T00:00:00Z")))).toBe("2025-10-20T16:00:00.000Z");
  });
});

describe("localToInstant", () => {
  it("resolves plain, gap and overlap times explicitly", () => {
    expect(new Date(localToInstant("America/New_York", 2025, 7, 1, 12, 0)).toISOString()).toBe("2025-07-01T16:00:00.000Z");
    expect(new Date(localToInstant("America/New_York", 2025, 3, 9, 2, 30)).toISOString()).toBe("2025-03-09T07:30:00.000Z");
    expect(new Date(localToInstant("America/New_York", 2025, 11, 2, 1, 30)).toISOString()).toBe("2025-11-02T05:30:00.000Z");
  });
});

describe("nextRunAt: bad timing throws", () => {
  it.each([
    [{ ...daily("Mars/Olympus", 9) }, /time zone/],
    [{ ...weekly("UTC", 7, 9) }, /weekly_dow/],
    [{ ...weekly("UTC", 1, 9), weekly_dow: null }, /weekly_dow/],
    [{ ...monthly("UTC", 0, 9) }, /monthly_dom/],
    [{ ...daily("UTC", 24) }, /send_hour/],
    [{ ...daily("UTC", 9, 60) }, /send_minute/],
  ])("%o", (timing, message) => {
    expect(() => nextRunAt(timing as ScheduleTiming, new Date())).toThrow(message);
  });
});
