import puppeteer, { type Browser } from "puppeteer-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeMarketFigures } from "../../src/figures/market-figures.js";
import { chromiumLaunchOptions } from "../../src/pdf/chromium-launch.js";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { renderReportHtml, type ReportHtmlInput } from "../../src/render/report-html.js";
import { A, B, FIXTURE, OPTIONS } from "../figures/fixture.js";

// The browser and flags the worker renders with.
const CHROMIUM = findChromium();
const available = CHROMIUM !== undefined;
if (!available) {
  if (process.env.CI) throw new Error("Chromium not found (CI requires it). Install chromium-headless-shell or chromium, or set CHROMIUM_PATH.");
  console.warn("skipping: Chromium not found; install chromium-headless-shell or chromium, or set CHROMIUM_PATH");
}

const XSS = "<script>alert(1)</script>";

/** The fixture's market snapshot as the worker renders it; a test overrides what it is about. */
function snapshotHtml(overrides: Partial<ReportHtmlInput>): string {
  return renderReportHtml({
    reportType: "market_snapshot",
    scheduleName: "Weekly update",
    city: "San Diego",
    zips: [A, B],
    figures: computeMarketFigures(FIXTURE, OPTIONS),
    asOf: OPTIONS.now,
    accountName: "Coastal Realty",
    dataSource: "MLS listing data via SimplyRETS",
    fetched: "Every listing for the area.",
    ...overrides,
  });
}

describe.skipIf(!available)("the report in a real browser", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await puppeteer.launch(chromiumLaunchOptions(CHROMIUM!));
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows a schedule and city named <script>alert(1)</script> as text, and runs nothing", async () => {
    const page = await browser.newPage();
    const dialogs: string[] = [];
    page.on("dialog", async (dialog) => {
      dialogs.push(dialog.message());
      await dialog.dismiss();
    });
    const html = snapshotHtml({ scheduleName: XSS, city: XSS });
    await page.setContent(html, { waitUntil: "load" });
    const seen = await page.evaluate(() => ({
      title: document.title,
      eyebrow: document.querySelector(".eyebrow")?.textContent ?? "",
      heading: document.querySelector("h1")?.textContent ?? "",
      scripts: document.querySelectorAll("script").length,
      charts: document.querySelectorAll("svg.chart-svg").length,
      kpis: document.querySelectorAll(".kpi").length,
    }));
    expect(dialogs).toEqual([]);
    expect(seen.scripts).toBe(0);
    expect(seen.eyebrow).toContain(XSS);
    expect(seen.heading).toBe(XSS);
    expect(seen.title).toContain(XSS);
    expect(seen.charts).toBe(3);
    expect(seen.kpis).toBe(8);
    await page.close();
  });

  it("prints on Letter and A4 without content wider than the page", async () => {
    for (const paper of ["letter", "a4"] as const) {
      const page = await browser.newPage();
      await page.setContent(
        snapshotHtml({ paper }),
      );
      await page.emulateMediaType("print");
      // the printable width: Letter 8.5in − 1in of margins, A4 210mm − 26mm, at 96 px/in
      const printable = paper === "letter" ? 7.5 * 96 : ((210 - 26) / 25.4) * 96;
      await page.setViewport({ width: Math.floor(printable), height: 1000 });
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow).toBeLessThanOrEqual(0);
      const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
      expect(Buffer.from(pdf.subarray(0, 5)).toString()).toBe("%PDF-");
      await page.close();
    }
  });
});
