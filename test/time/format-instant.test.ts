import { describe, expect, it } from "vitest";
import { formatInstant, formatInstantNamingZone } from "../../src/time/format-instant.js";

describe("instants in a schedule's zone", () => {
  it("reads the wall time and abbreviation of the zone at that instant, across a DST change", () => {
    expect(formatInstant(new Date("2027-03-08T17:00:00Z"), "America/Los_Angeles")).toBe("March 8, 2027, 9:00 AM PST");
    expect(formatInstant(new Date("2027-03-15T16:00:00Z"), "America/Los_Angeles")).toBe("March 15, 2027, 9:00 AM PDT");
  });

  it("names the zone after the abbreviation, which alone can be ambiguous or only an offset", () => {
    expect(formatInstantNamingZone(new Date("2027-03-08T17:00:00Z"), "America/Los_Angeles")).toBe(
      "March 8, 2027, 9:00 AM PST (America/Los_Angeles)",
    );
    expect(formatInstantNamingZone(new Date("2027-01-04T15:00:00Z"), "America/Chicago")).toBe("January 4, 2027, 9:00 AM CST (America/Chicago)");
    expect(formatInstantNamingZone(new Date("2027-01-04T08:00:00Z"), "Europe/Berlin")).toBe("January 4, 2027, 9:00 AM GMT+1 (Europe/Berlin)");
  });

  it("does not repeat a zone whose abbreviation is its name", () => {
    expect(formatInstantNamingZone(new Date("2027-01-04T09:00:00Z"), "UTC")).toBe("January 4, 2027, 9:00 AM UTC");
  });
});
