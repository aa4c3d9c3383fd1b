import { describe, expect, it } from "vitest";
import { computeMarketFigures } from "../../src/figures/market-figures.js";
import { REPORT_TYPES } from "../../src/figures/report-types.js";
import { headlineFigures, renderReportHtml, reportTitle, type ReportHtmlInput } from "../../src/render/report-html.js";
import { A, B, FIXTURE, OPTIONS } from "../figures/fixture.js";

const figures = computeMarketFigures(FIXTURE, OPTIONS);
const empty = computeMarketFigures([], OPTIONS);
const XSS = "<script>alert(1)</script>";

function input(overrides: Partial<ReportHtmlInput> = {}): ReportHtmlInput {
  return {
    reportType: "market_snapshot",
    scheduleName: "Monday market update",
    city: "San Diego",
    zips: [A, B],
    figures,
    period: { start: OPTIONS.periodStart, end: OPTIONS.periodEnd, timezone: "UTC" },
    asOf: OPTIONS.now,
    accountName: "Coastal Realty",
    dataSource: "MLS listing data via SimplyRETS",
    ...overrides,
  };
}

const count = (haystack: string, needle: string) => haystack.split(needle).length - 1;

describe("renderReportHtml", () => {
  it("escapes the schedule name, city, ZIPs and account name everywhere they appear", () => {
    const page = renderReportHtml(
      input({ scheduleName: XSS, city: XSS, zips: [`"><img src=x onerror=alert(2)>`], accountName: `O'Neil & "Sons" <b>` }),
    );
    expect(page).not.toContain("<script");
    expect(page).not.toContain("<img");
    expect(page).not.toContain("<b>");
    expect(page).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(page).toContain("O&#39;Neil &amp; &quot;Sons&quot; &lt;b&gt;");
    // in the <title>, the eyebrow, the heading and the methodology
    expect(count(page, "&lt;script&gt;alert(1)&lt;/script&gt;")).toBeGreaterThanOrEqual(4);
  });

  it("is a complete standalone page with print CSS for Letter or A4 and no external resources", () => {
    const letter = renderReportHtml(input());
    expect(letter.startsWith("<!doctype html>")).toBe(true);
    expect(letter.trimEnd().endsWith("</html>")).toBe(true);
    expect(letter).toContain("@page { size: letter;");
    expect(letter).toContain("@media print");
    expect(letter).not.toMatch(/<script|<link|src="http|url\(/);
    // The policy comes before anything it governs.
    const csp = letter.indexOf(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; font-src data:">`);
    expect(csp).toBeGreaterThan(0);
    expect(csp).toBeLessThan(letter.indexOf("<style>"));
    expect(renderReportHtml(input({ paper: "a4" }))).toContain("@page { size: A4;");
  });

  it("shows the headline figures with their changes, per-ZIP rows and the detail table", () => {
    const page = renderReportHtml(input());
    expect(page).toContain("Market Snapshot");
    expect(page).toContain("Mar 1 – 30, 2025");
    expect(page).toContain("compared with Jan 30 – Feb 28, 2025");
    // KPI cards: closed sales 6 (+200%), median sale $645,000 (−15.1%), sale-to-list 101.0% (−0.5 pts)
    expect(page).toMatch(/Closed sales<\/div><div class="value">6<\/div><div class="change up"><span class="arrow">▲<\/span>\+200\.0%/);
    expect(page).toMatch(/Median sale price<\/div><div class="value">\$645,000<\/div><div class="change down"><span class="arrow">▼<\/span>−15\.1%/);
    expect(page).toMatch(/Sale-to-list price<\/div><div class="value">101\.0%<\/div><div class="change down"><span class="arrow">▼<\/span>−0\.5 pts/);
    expect(page).toContain("Prior 30 days: $760K");
    // per-ZIP table and the area total
    expect(page).toMatch(/<td><strong>92101<\/strong><\/td><td>3<\/td><td>\$550K<\/td>/);
    expect(page).toMatch(/<tr class="total"><td>All<\/td><td>6<\/td><td>\$645K<\/td>/);
    // detail table: sales volume $2,620,000 vs $1,520,000
    expect(page).toMatch(/Sales volume<\/td><td>\$2,620,000<\/td><td>\$1,520,000<\/td><td class="up">/);
    expect(count(page, "<svg")).toBe(3);
  });

  it("writes a plain-language summary from the figures", () => {
    const page = renderReportHtml(input());
    expect(page).toContain(
      "6 homes sold (up 200.0% from the previous 30 days) at a median price of $645,000 (down 15.1%). The typical home went under contract in 10 days and sold for 101.0% of its list price; 50.0% sold above list.",
    );
  });

  it("shows each report type's own sections", () => {
    const newListings = renderReportHtml(input({ reportType: "new_listings" }));
    expect(newListings).toContain("New Listings Report");
    expect(newListings).not.toContain("Sale prices</h3>");
    expect(newListings).toContain("New listings and closed sales by week");
    const closed = renderReportHtml(input({ reportType: "closed_sales" }));
    expect(closed).toContain("Sale prices</h3>");
    expect(closed).toContain("Sold above list</div>");
    const inventory = renderReportHtml(input({ reportType: "inventory" }));
    expect(inventory).toMatch(/Active inventory<\/div><div class="value">3<\/div>/);
    expect(inventory).toMatch(/Months of supply<\/div><div class="value">0\.5 mo<\/div>/);
  });

  it("states the methodology: period in the schedule's zone, data source, as-of, definitions and rules with counts", () => {
    const page = renderReportHtml(
      input({
        period: { start: new Date("2025-03-01T08:00:00Z"), end: new Date("2025-03-31T07:00:00Z"), timezone: "America/Los_Angeles" },
      }),
    );
    expect(page).toContain("Mar 1, 2025 00:00 (America/Los_Angeles, UTC−08:00) up to Mar 31, 2025 00:00 (America/Los_Angeles, UTC−07:00)");
    expect(page).toContain("MLS listing data via SimplyRETS");
    expect(page).toContain("Data as of March 31, 2025, 5:00 AM PDT");
    expect(page).toContain("Months of supply</dt>");
    expect(page).toContain("Sales without a living area are left out of price per square foot. <span class=\"count\">(1 record in this report)</span>");
    expect(page).toContain("(4 records in this report)");
  });

  it("renders a clear no-activity report for an empty period", () => {
    const page = renderReportHtml(input({ figures: empty, city: "Springfield", zips: [] }));
    expect(page).toContain("No activity in this period");
    expect(page).toContain("No homes were listed, went under contract or sold in Springfield from Mar 1 – 30, 2025");
    expect(page).toContain("The 30 days before were quiet too.");
    expect(page).not.toContain("<svg");
    expect(page).not.toContain('class="kpi"');
    expect(page).toContain("Methodology");
  });

  it("says plainly when the schedule names no area", () => {
    const page = renderReportHtml(input({ figures: empty, city: null, zips: [] }));
    expect(page).toContain("<h1>No area selected</h1>");
    expect(page).toContain("This report names no city or ZIP code");
  });

  it("mentions the previous period's activity when only the current one is empty", () => {
    const quiet = computeMarketFigures(
      FIXTURE.filter((l) => l.status === "Closed"),
      { ...OPTIONS, periodStart: new Date("2025-04-01T00:00:00Z"), periodEnd: new Date("2025-05-01T00:00:00Z"), now: new Date("2025-05-01T00:00:00Z") },
    );
    const page = renderReportHtml(
      input({ figures: quiet, period: { start: new Date("2025-04-01T00:00:00Z"), end: new Date("2025-05-01T00:00:00Z"), timezone: "UTC" } }),
    );
    expect(page).toContain("No activity in this period");
    // previous window Mar 2 - Apr 1: listed c3, c4, cd; contracts c2, c6; closed c1..c6
    expect(page).toContain("In the 30 days before: 3 new listings, 2 pending sales, 6 closed sales.");
  });

  it("rejects an unknown report type", () => {
    expect(() => renderReportHtml(input({ reportType: "weekly_gossip" as never }))).toThrow('reportType: "weekly_gossip"');
  });
});

describe("reportTitle and headlineFigures", () => {
  it("titles every report type", () => {
    expect(REPORT_TYPES.map(reportTitle)).toEqual(["Market Snapshot", "New Listings Report", "Closed Sales Report", "Inventory Report"]);
  });

  it("gives four formatted headline figures for email bodies", () => {
    expect(headlineFigures(figures)).toEqual([
      { key: "closedSales", label: "Closed sales", value: "6", change: "+200.0%", direction: "up" },
      { key: "medianClosePrice", label: "Median sale price", value: "$645,000", change: "−15.1%", direction: "down" },
      { key: "newListings", label: "New listings", value: "6", change: "0.0%", direction: "flat" },
      { key: "activeInventory", label: "Active inventory", value: "3", change: "−25.0%", direction: "down" },
    ]);
    expect(headlineFigures(figures, "closed_sales").map((h) => h.key)).toEqual([
      "closedSales",
      "medianClosePrice",
      "averageClosePrice",
      "totalSalesVolume",
    ]);
    expect(headlineFigures(empty)[1]).toEqual({ key: "medianClosePrice", label: "Median sale price", value: "—", change: null, direction: null });
  });
});
