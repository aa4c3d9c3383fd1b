import { describe, expect, it } from "vitest";
import { createListingSource, describeListingSource } from "../../src/listings/select-source.js";

describe("createListingSource", () => {
  it("uses SimplyRETS only when both credentials are set", () => {
    const base = { SIMPLYRETS_BASE_URL: "https://api.simplyrets.com", SIMPLYRETS_VENDOR: undefined };
    expect(createListingSource({ ...base, SIMPLYRETS_USERNAME: "u", SIMPLYRETS_PASSWORD: "p" }).name).toBe("simplyrets");
    expect(createListingSource({ ...base, SIMPLYRETS_USERNAME: undefined, SIMPLYRETS_PASSWORD: undefined }).name).toBe("sample-market");
    expect(createListingSource({ ...base, SIMPLYRETS_USERNAME: "u", SIMPLYRETS_PASSWORD: undefined }).name).toBe("sample-market");
  });

  it("names each source plainly for the report footer", () => {
    expect(describeListingSource("simplyrets")).toContain("SimplyRETS");
    expect(describeListingSource("sample-market")).toContain("synthetic");
  });
});
