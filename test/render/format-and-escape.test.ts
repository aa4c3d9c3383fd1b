import { describe, expect, it } from "vitest";
import { escapeHtml } from "../../src/render/escape-html.js";
import {
  formatChange,
  formatCompactCurrency,
  formatDateRange,
  formatMetric,
} from "../../src/render/format-figures.js";
import { html, SafeHtml } from "../../src/render/html-template.js";

describe("escapeHtml and the html template", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(escapeHtml(`<a href="x">Tom & Jerry's</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    expect(escapeHtml(null)).toBe("");
  });

  it("escapes interpolations, joins arrays and passes only SafeHtml through", () => {
    const name = "<script>alert(1)</script>";
    const fragment = html`<b>${name}</b>`;
    expect(fragment).toBeInstanceOf(SafeHtml);
    expect(fragment.value).toBe("<b>&lt;script&gt;alert(1)&lt;/script&gt;</b>");
    expect(html`<ul>${["a&b", html`<li>${"<i>"}</li>`]}</ul>`.value).toBe("<ul>a&amp;b<li>&lt;i&gt;</li></ul>");
    expect(html`${null}${undefined}${false}${0}`.value).toBe("0");
    // a plain object pretending to be markup is still escaped
    expect(html`${{ value: "<x>" } as unknown as string}`.value).toBe("[object Object]");
  });
});

describe("figure formatting", () => {
  it("writes compact currency the way agents do", () => {
    expect(formatCompactCurrency(250_000)).toBe("$250K");
    expect(formatCompactCurrency(1_250_000)).toBe("$1.25M");
    expect(formatCompactCurrency(2_000_000)).toBe("$2M");
    expect(formatCompactCurrency(311_396_500)).toBe("$311M");
    expect(formatCompactCurrency(48_250_000)).toBe("$48.3M");
    expect(formatCompactCurrency(85_500)).toBe("$85.5K");
    expect(formatCompactCurrency(758)).toBe("$758");
    expect(formatCompactCurrency(null)).toBe("—");
  });

  it("formats each unit", () => {
    expect(formatMetric("medianClosePrice", 1_021_750)).toBe("$1,021,750");
    expect(formatMetric("saleToListRatio", 0.99687)).toBe("99.7%");
    expect(formatMetric("medianDaysOnMarket", 21.5)).toBe("21.5 days");
    expect(formatMetric("medianDaysOnMarket", 1)).toBe("1 day");
    expect(formatMetric("monthsOfSupply", 1.5909)).toBe("1.6 mo");
    expect(formatMetric("closedSales", 1234)).toBe("1,234");
    expect(formatMetric("averageClosePrice", null)).toBe("—");
  });

  it("formats changes as signed percents, ratio changes in points", () => {
    expect(formatChange("closedSales", { changePct: 31.63, changePoints: null, direction: "up", smallSample: false })).toBe("+31.6%");
    expect(formatChange("closedSales", { changePct: -2.61, changePoints: null, direction: "down", smallSample: false })).toBe("−2.6%");
    expect(formatChange("closedSales", { changePct: 0.01, changePoints: null, direction: "flat", smallSample: false })).toBe("0.0%");
    expect(formatChange("closedSales", { changePct: null, changePoints: null, direction: "up", smallSample: false })).toBe("new");
    expect(formatChange("closedSales", { changePct: null, changePoints: null, direction: null, smallSample: false })).toBe("—");
    expect(formatChange("saleToListRatio", { changePct: 0.45, changePoints: 0.449, direction: "up", smallSample: false })).toBe("+0.4 pts");
  });

  it("writes a period's days in its time zone, end exclusive", () => {
    const la = "America/Los_Angeles";
    expect(formatDateRange(new Date("2025-03-08T08:00:00Z"), new Date("2025-04-07T07:00:00Z"), la)).toBe("Mar 8 – Apr 6, 2025");
    expect(formatDateRange(new Date("2025-03-01T08:00:00Z"), new Date("2025-03-31T07:00:00Z"), la)).toBe("Mar 1 – 30, 2025");
    expect(formatDateRange(new Date("2024-12-15T08:00:00Z"), new Date("2025-01-14T08:00:00Z"), la)).toBe("Dec 15, 2024 – Jan 13, 2025");
    expect(formatDateRange(new Date("2025-03-01T00:00:00Z"), new Date("2025-03-02T00:00:00Z"), "UTC")).toBe("Mar 1, 2025");
  });
});
