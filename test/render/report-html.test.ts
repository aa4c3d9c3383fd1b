import { describe, expect, it } from "vitest";
import { computeMarketFigures } from "../../src/figures/market-figures.js";
import { REPORT_TYPES } from "../../src/figures/report-types.js";
import { headlineFigures, renderReportHtml, reportTitle, type ReportHtmlInput } from "../../src/render/report-html.js";
import type { Listing } from "../../src/listings/listing.js";
import { reportPeriod } from "../../src/time/report-period.js";
import { A, B, FIXTURE, OPTIONS } from "../figures/fixture.js";

const figures = computeMarketFigures(FIXTURE, OPTIONS);
/** Ten copies of every fixture listing: the same medians and ratios, enough records for percent changes. */
const TENFOLD: Listing[] = FIXTURE.flatMap((l) => Array.from({ length: 10 }, (_, i) => ({ ...l, mlsId: `${l.mlsId}-${i}` })));
const tenfold = computeMarketFigures(TENFOLD, OPTIONS);
const empty = computeMarketFigures([], OPTIONS);
const XSS = "<script>alert(1)</script>";

function input(overrides: Partial<ReportHtmlInput> = {}): ReportHtmlInput {
  return {
    reportType: "market_snapshot",
    scheduleName: "Monday market update",
    city: "San Diego",
    zips: [A, B],
    figures,
    asOf: OPTIONS.now,
    accountName: "Coastal Realty",
    dataSource: "MLS listing data via SimplyRETS",
    fetched: "Requested for the area and filters: everything.",
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
    const page = renderReportHtml(input({ figures: tenfold }));
    expect(page).toContain("Market Snapshot");
    expect(page).toContain("Mar 1 – 30, 2025");
    expect(page).toContain("compared with Jan 30 – Feb 28, 2025");
    // KPI cards: closed sales 60 (+200%), median sale $645,000 (−15.1%), sale-to-list 101.0% (−0.5 pts)
    expect(page).toMatch(/Closed sales<\/div><div class="value">60<\/div><div class="change up"><span class="arrow">▲<\/span>\+200\.0%/);
    expect(page).toMatch(/Median sale price<\/div><div class="value">\$645,000<\/div><div class="change down"><span class="arrow">▼<\/span>−15\.1%/);
    expect(page).toMatch(/Sale-to-list price<\/div><div class="value">101\.0%<\/div><div class="change down"><span class="arrow">▼<\/span>−0\.5 pts/);
    expect(page).toContain("Prior 30 days: $760K");
    // per-ZIP table and the area total
    expect(page).toMatch(/<tr data-zip="92101"><td><strong>92101<\/strong><\/td><td data-metric="closedSales">30<\/td><td data-metric="medianClosePrice">\$550K<\/td>/);
    expect(page).toMatch(/<tr class="total" data-zip="all"><td>All<\/td><td data-metric="closedSales">60<\/td><td data-metric="medianClosePrice">\$645K<\/td>/);
    // detail table: sales volume $26,200,000 vs $15,200,000
    expect(page).toMatch(/Sales volume<\/td><td data-window="current">\$26,200,000<\/td><td data-window="previous">\$15,200,000<\/td><td class="up">/);
    expect(count(page, "<svg")).toBe(3);
  });

  it("shows a figure from too few records with its count, flagged, and no percent change", () => {
    const page = renderReportHtml(input());
    // 6 sales against 2: the two counts, not "+200%"
    expect(page).toMatch(/Closed sales<\/div><div class="value">6<\/div><div class="change none">2 → 6<\/div>/);
    expect(page).not.toContain("+200.0%");
    // a median of 4 sales: value, count and flag, not a market fact
    expect(page).toContain(
      '<div class="value"><span class="small-sample" title="From 4 sales: too few to stand for the market">$645,000<sup>†</sup> <small>(4)</small></span></div><div class="change none small-note">From 4 sales: too few to stand for the market</div>',
    );
    // per-ZIP rows below the threshold say so
    expect(page).toMatch(/<tr data-zip="92101"><td><strong>92101<\/strong><div class="row-note">fewer than 5 sales: marked figures are not market figures<\/div><\/td>/);
    expect(page).toContain('<td data-metric="medianPricePerSqft"><span class="small-sample" title="From 1 sale: too few to stand for the market">$510<sup>†</sup> <small>(1)</small></span></td>');
    expect(page).toContain("fewer than 5 records is shown with its count and marked †");
  });

  it("writes a plain-language summary from the figures, saying which date days on market run to", () => {
    expect(renderReportHtml(input({ figures: tenfold }))).toContain(
      "60 homes sold (up 200.0% from the previous 30 days) at a median price of $645,000 (down 15.1%). The typical home went under contract 10 days after listing (counting to the close date for 10 of 50 sales, which have no contract date) and sold for 101.0% of its list price; 50.0% sold above list.",
    );
    expect(renderReportHtml(input())).toContain("<p class=\"lede\">6 homes sold (4 sales with a usable price: too few for a market median). 6 new listings came");
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
    for (const reportType of REPORT_TYPES) expect(renderReportHtml(input({ reportType }))).toContain("Methodology");
  });

  it("states the methodology: period in the schedule's zone, data source, as-of, definitions and rules with counts", () => {
    const period = reportPeriod({ slot: new Date("2025-03-31T16:00:00Z"), lookbackDays: 30, timezone: "America/Los_Angeles" });
    const page = renderReportHtml(input({ figures: computeMarketFigures(FIXTURE, { ...OPTIONS, period }) }));
    expect(page).toContain("Mar 1, 2025 00:00 (America/Los_Angeles, UTC−08:00) up to Mar 31, 2025 00:00 (America/Los_Angeles, UTC−07:00)");
    expect(page).toContain("MLS listing data via SimplyRETS");
    expect(page).toContain("Data as of March 31, 2025, 5:00 AM PDT");
    expect(page).toContain("Months of supply</dt>");
    expect(page).toContain("Sales without a living area are left out of price per square foot. <span class=\"count\">(1 record in this report)</span>");
    expect(page).toContain("(4 records in this report)");
    expect(page).toContain("16 of the 20 listing records received are behind these figures");
    expect(page).toContain("Requested for the area and filters: everything.");
    expect(page).toContain("San Diego (ZIPs 92101, 92103); a listing must be in the city and in one of the ZIP codes.");
  });

  it("renders a clear no-activity report for an empty period", () => {
    const page = renderReportHtml(input({ figures: empty, city: "Springfield", zips: [] }));
    expect(page).toContain("No activity in this period");
    expect(page).toContain(
      "No single-family homes or condos were listed, went under contract or sold in Springfield from Mar 1 – 30, 2025",
    );
    expect(page).toContain("The 30 days before were quiet too.");
    expect(page).not.toContain("<svg");
    expect(page).not.toContain('class="kpi"');
    expect(page).toContain("Methodology");
  });

  it("names exactly the area and the filters that had no activity", () => {
    const filters = { property_types: ["condominium" as const], min_price: 500_000, max_price: 1_000_000, min_beds: 2 };
    const quietFigures = computeMarketFigures([], { ...OPTIONS, zips: ["77002"], filters });
    const page = renderReportHtml(input({ figures: quietFigures, city: "Houston", zips: ["77002"] }));
    expect(page).toContain('<p class="filters">Condos, $500K–$1M, 2+ beds</p>');
    expect(page).toContain("No condos ($500K–$1M, 2+ beds) were listed, went under contract or sold in Houston (ZIP 77002) from Mar 1 – 30, 2025");
    expect(page).toContain("Condos; list (asking) price from $500,000 to $1,000,000; bedrooms 2 or more.");
  });

  it("says the feed lacks contract dates instead of showing 0 new pendings, and which date days on market run to", () => {
    const noContracts = TENFOLD.map((l) => ({ ...l, contractDate: null }));
    const lacking = computeMarketFigures(noContracts, OPTIONS);
    expect(lacking.missingFields).toEqual(["contractDate"]);
    expect(lacking.area.current.newPendings).toBeNull();
    const page = renderReportHtml(input({ figures: lacking, reportType: "new_listings" }));
    expect(page).toMatch(/New pendings<\/div><div class="value"><span class="not-in-feed">Not in feed<\/span><\/div><div class="change none">The feed gives no contract dates<\/div>/);
    expect(page).toContain("The feed gives no contract dates for these listings, so new pendings cannot be computed and reads “Not in feed”, not zero.");
    const snapshot = renderReportHtml(input({ figures: lacking }));
    expect(snapshot).toContain("The typical sale closed");
    expect(snapshot).toContain("after listing (the feed gives no contract dates)");
    expect(snapshot).not.toContain("The typical home went under contract");
    expect(snapshot).toContain("List date to close date (no contract dates)");
  });

  it("says plainly when the schedule names no area", () => {
    const page = renderReportHtml(input({ figures: empty, city: null, zips: [] }));
    expect(page).toContain("<h1>No area selected</h1>");
    expect(page).toContain("This report names no city or ZIP code");
  });

  it("mentions the previous period's activity when only the current one is empty", () => {
    const quiet = computeMarketFigures(
      FIXTURE.filter((l) => l.status === "Closed" && l.mlsId !== "f1"),
      { ...OPTIONS, period: reportPeriod({ slot: new Date("2025-05-01T09:00:00Z"), lookbackDays: 30, timezone: "UTC" }), now: new Date("2025-05-01T10:00:00Z") },
    );
    const page = renderReportHtml(input({ figures: quiet }));
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
    expect(headlineFigures(tenfold)).toEqual([
      { key: "closedSales", label: "Closed sales", value: "60", change: "+200.0%", direction: "up" },
      { key: "medianClosePrice", label: "Median sale price", value: "$645,000", change: "−15.1%", direction: "down" },
      { key: "newListings", label: "New listings", value: "60", change: "0.0%", direction: "flat" },
      { key: "activeInventory", label: "Active inventory", value: "30", change: "−25.0%", direction: "down" },
    ]);
    expect(headlineFigures(figures)).toEqual([
      { key: "closedSales", label: "Closed sales", value: "6", change: "2 → 6", direction: null },
      { key: "medianClosePrice", label: "Median sale price", value: "$645,000 (from 4 sales)", change: "$760K → $645K", direction: null },
      { key: "newListings", label: "New listings", value: "6", change: "6 → 6", direction: null },
      { key: "activeInventory", label: "Active inventory", value: "3", change: "4 → 3", direction: null },
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
