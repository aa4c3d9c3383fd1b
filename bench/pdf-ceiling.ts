/**
 * PDF rendering throughput: ours (a fresh browser context per job) against the ceiling (bare
 * page.pdf() on warm pages reused forever, one browser) and a reference (the straightforward
 * puppeteer context-per-job: newPage, scripts off, request interception, setContent, pdf).
 * All three use one executable and the same launch flags, at the same concurrency.
 *
 *   npx tsx bench/pdf-ceiling.ts            (CHROMIUM_PATH picks the browser; PDF_BENCH_JOBS=120)
 *
 * The worker benchmark imports measurePdfCeiling() to compare its end-to-end rate with it.
 */
import { pathToFileURL } from "node:url";
import puppeteer, { type Page } from "puppeteer-core";
import { chromiumLaunchOptions } from "../src/pdf/chromium-launch.js";
import { findChromium } from "../src/pdf/find-chromium.js";
import { createBrowserPdfRenderer, type PdfRenderer } from "../src/pdf/pdf-renderer.js";

export interface ThroughputResult {
  pdfsPerSecond: number;
  jobs: number;
  seconds: number;
}

const PDF_OPTIONS = { format: "Letter", printBackground: true, preferCSSPageSize: true } as const;

/** Runs `jobs` calls of `job` (given each call's index) with `concurrency` in flight, after `warmup` sequential calls. */
export async function measureThroughput(
  job: (index: number) => Promise<unknown>,
  { concurrency, jobs, warmup }: { concurrency: number; jobs: number; warmup: number },
): Promise<ThroughputResult> {
  for (let i = 0; i < warmup; i++) await job(i);
  let started = 0;
  const begin = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < jobs) {
        await job(started++);
      }
    }),
  );
  const seconds = (performance.now() - begin) / 1000;
  return { pdfsPerSecond: jobs / seconds, jobs, seconds };
}

/**
 * The document of job `index`: one HTML for every job, or the list a run printed, in turn (so a
 * comparison prints the very same reports).
 */
export function htmlOfJob(html: string | readonly string[], index: number): string {
  return typeof html === "string" ? html : html[index % html.length]!;
}

/** Bare page.pdf() on one warm browser: one warm page per concurrent job, reused for every job. */
export async function measurePdfCeiling(options: {
  executablePath: string;
  html: string | readonly string[];
  concurrency?: number;
  jobs?: number;
}): Promise<ThroughputResult> {
  const concurrency = options.concurrency ?? 4;
  const browser = await puppeteer.launch(chromiumLaunchOptions(options.executablePath));
  try {
    const idle: Page[] = [];
    for (let i = 0; i < concurrency; i++) idle.push(await browser.newPage());
    return await measureThroughput(
      async (index) => {
        const page = idle.pop();
        if (!page) throw new Error("more jobs in flight than warm pages");
        try {
          await page.setContent(htmlOfJob(options.html, index), { waitUntil: "load" });
          return await page.pdf(PDF_OPTIONS);
        } finally {
          idle.push(page);
        }
      },
      { concurrency, jobs: options.jobs ?? 120, warmup: concurrency * 2 },
    );
  } finally {
    await browser.close();
  }
}

/** The straightforward per-job context with puppeteer's Page API. */
async function measureNaiveContextPerJob(options: {
  executablePath: string;
  html: string;
  concurrency: number;
  jobs: number;
}): Promise<ThroughputResult> {
  const browser = await puppeteer.launch(chromiumLaunchOptions(options.executablePath));
  try {
    return await measureThroughput(
      async () => {
        const context = await browser.createBrowserContext();
        try {
          const page = await context.newPage();
          await page.setJavaScriptEnabled(false);
          await page.setRequestInterception(true);
          page.on("request", (request) => void request.abort().catch(() => undefined));
          await page.setContent(options.html, { waitUntil: "load" });
          return await page.pdf(PDF_OPTIONS);
        } finally {
          await context.close();
        }
      },
      { concurrency: options.concurrency, jobs: options.jobs, warmup: options.concurrency * 2 },
    );
  } finally {
    await browser.close();
  }
}

async function measureRenderer(renderer: PdfRenderer, html: string, concurrency: number, jobs: number) {
  return measureThroughput(() => renderer.render(html), { concurrency, jobs, warmup: concurrency * 2 });
}

/** A two-page market report: KPI tiles, an SVG bar chart and a 60-row listing table. */
export function sampleReportHtml(): string {
  const rows = Array.from(
    { length: 60 },
    (_, i) =>
      `<tr><td>${1000 + i} Harbor Dr</td><td>${i % 2 ? "92101" : "92103"}</td><td>$${(540_000 + i * 12_345).toLocaleString("en-US")}</td><td>${2 + (i % 3)}</td><td>${12 + ((i * 7) % 60)}</td></tr>`,
  ).join("");
  const bars = Array.from({ length: 12 }, (_, i) => {
    const h = 50 + ((i * 37) % 140);
    return `<rect x="${20 + i * 40}" y="${200 - h}" width="30" height="${h}" fill="#2b6cb0"/><text x="${35 + i * 40}" y="215" font-size="10" text-anchor="middle">M${i + 1}</text>`;
  }).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>Market snapshot</title><style>
@page { size: Letter; margin: 0.5in }
body { font-family: sans-serif; color: #1a202c }
h1 { font-size: 22px } table { width: 100%; border-collapse: collapse; font-size: 11px }
td, th { border-bottom: 1px solid #e2e8f0; padding: 4px; text-align: left }
.kpi { display: inline-block; width: 22%; background: #edf2f7; padding: 8px; margin: 2px }
</style></head><body><h1>Market snapshot: San Diego 92101, 92103</h1>
<div><div class="kpi">Median price<br><b>$812,000</b></div><div class="kpi">Active<br><b>143</b></div><div class="kpi">Closed<br><b>57</b></div><div class="kpi">Days on market<br><b>31</b></div></div>
<svg width="500" height="230" viewBox="0 0 500 230" xmlns="http://www.w3.org/2000/svg">${bars}</svg>
<table><thead><tr><th>Address</th><th>Zip</th><th>Price</th><th>Beds</th><th>DOM</th></tr></thead><tbody>${rows}</tbody></table>
</body></html>`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error("no Chromium found: install chromium-headless-shell or chromium, or set CHROMIUM_PATH");
  const html = sampleReportHtml();
  const concurrency = 4;
  const jobs = Number(process.env.PDF_BENCH_JOBS ?? 120);
  const rounds = Number(process.env.PDF_BENCH_ROUNDS ?? 3);
  const ours: number[] = [];
  const ceiling: number[] = [];
  const reference: number[] = [];
  // Interleaved rounds, medians reported: the machine is shared and its load drifts.
  for (let round = 0; round < rounds; round++) {
    ceiling.push((await measurePdfCeiling({ executablePath, html, concurrency, jobs })).pdfsPerSecond);
    const renderer = createBrowserPdfRenderer({ executablePath });
    try {
      ours.push((await measureRenderer(renderer, html, concurrency, jobs)).pdfsPerSecond);
    } finally {
      await renderer.close();
    }
    reference.push((await measureNaiveContextPerJob({ executablePath, html, concurrency, jobs })).pdfsPerSecond);
  }
  const result = {
    bench: "pdf-render",
    unit: "pdfs/s",
    ours: round2(median(ours)),
    ceiling: round2(median(ceiling)),
    reference: round2(median(reference)),
    vs_ceiling: round2(median(ours) / median(ceiling)),
    vs_reference: round2(median(ours) / median(reference)),
    executable: executablePath,
    concurrency,
    jobs_per_round: jobs,
    rounds: { ours: ours.map(round2), ceiling: ceiling.map(round2), reference: reference.map(round2) },
  };
  console.log(JSON.stringify(result));
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
