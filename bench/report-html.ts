/**
 * How long one report's data → figures → HTML takes, against what Chromium then spends turning
 * that HTML into a PDF (the reference, measured in the same run). The worker's budget is several
 * PDF reports per second on 2 cores, so the HTML side must stay a small fraction of the PDF side.
 *
 * ours: median ms to render the HTML of a 10-ZIP San Diego market snapshot (warm).
 * reference: median ms for headless Chromium to load that HTML and print it to PDF.
 * extras: figures_ms (computeMarketFigures), sample_market_ms (generating the listings), sizes.
 */
import { existsSync } from "node:fs";
import puppeteer from "puppeteer-core";
import { computeMarketFigures } from "../src/figures/market-figures.js";
import { sampleListings } from "../src/listings/sample-market.js";
import { listingQueryFor } from "../src/render/market-report.js";
import { renderReportHtml } from "../src/render/report-html.js";
import { reportPeriod } from "../src/time/report-period.js";
import { CHROMIUM_BASE_ARGS } from "../src/pdf/chromium-launch.js";

const timezone = "America/Los_Angeles";
const slot = new Date("2025-04-07T16:00:00Z");
const period = reportPeriod({ slot, lookbackDays: 30, timezone });
const query = listingQueryFor({ city: "San Diego", zips: [], filters: {} }, period);

function medianMs(iterations: number, run: () => unknown): number {
  for (let i = 0; i < Math.min(20, iterations); i++) run();
  const times: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

const listings = sampleListings(query);
const figureOptions = { period, zips: [], now: slot };
const figures = computeMarketFigures(listings, figureOptions);
const render = () =>
  renderReportHtml({
    reportType: "market_snapshot",
    scheduleName: "Weekly client update",
    city: "San Diego",
    zips: [],
    figures,
    asOf: slot,
    accountName: "Coastal Realty Group",
    dataSource: "Built-in sample market",
    fetched: "Every synthetic listing for the area.",
  });

const sampleMarketMs = medianMs(30, () => sampleListings(query));
const figuresMs = medianMs(200, () => computeMarketFigures(listings, figureOptions));
const htmlMs = medianMs(500, render);
const html = render();

let pdfMs: number | null = null;
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (existsSync(chromium)) {
  const browser = await puppeteer.launch({
    executablePath: chromium,
    args: CHROMIUM_BASE_ARGS,
  });
  try {
    const page = await browser.newPage();
    const times: number[] = [];
    for (let i = 0; i < 12; i++) {
      const start = performance.now();
      await page.setContent(html, { waitUntil: "load" });
      await page.pdf({ preferCSSPageSize: true, printBackground: true });
      if (i >= 2) times.push(performance.now() - start);
    }
    times.sort((a, b) => a - b);
    pdfMs = times[times.length >> 1];
  } finally {
    await browser.close();
  }
} else {
  console.error(`Chromium not found at ${chromium}: reference not measured`);
}

const round = (n: number) => Math.round(n * 1000) / 1000;
console.log(
  JSON.stringify({
    bench: "report-html",
    unit: "ms",
    ours: round(htmlMs),
    ceiling: null,
    reference: pdfMs === null ? null : round(pdfMs),
    vs_ceiling: null,
    vs_reference: pdfMs === null ? null : round(htmlMs / pdfMs),
    figures_ms: round(figuresMs),
    sample_market_ms: round(sampleMarketMs),
    listings: listings.length,
    html_bytes: Buffer.byteLength(html),
  }),
);
