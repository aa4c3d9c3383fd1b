import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findChromium } from "../../src/pdf/find-chromium.js";
import { createBrowserPdfRenderer, PdfRenderError, type BrowserPdfRenderer } from "../../src/pdf/pdf-renderer.js";

const run = promisify(execFile);

/**
 * Every browser this machine has that the service could use: the one findChromium() picks and
 * Debian's full Chromium, so both launch modes (headless shell and new headless) stay covered.
 */
function browsersToTest(): string[] {
  const found = [findChromium(), "/usr/bin/chromium"].filter((p): p is string => p !== undefined && existsSync(p));
  if (found.length === 0) {
    if (process.env.CI) throw new Error("Chromium is not installed (CI requires it): apt-get install chromium chromium-headless-shell");
    console.warn("skipping PDF tests: Chromium is not installed; install it with: apt-get install chromium chromium-headless-shell");
  }
  return [...new Set(found)];
}

async function pdfText(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "pdf-text-"));
  try {
    const file = path.join(dir, "doc.pdf");
    writeFileSync(file, pdf);
    const { stdout } = await run("pdftotext", ["-layout", file, "-"]);
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function pdfPageSize(pdf: Buffer): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), "pdf-info-"));
  try {
    const file = path.join(dir, "doc.pdf");
    writeFileSync(file, pdf);
    const { stdout } = await run("pdfinfo", [file]);
    return /Page size:\s*(.*)/.exec(stdout)?.[1] ?? "";
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Processes whose process group is the browser's: the browser and every helper it started. */
function processGroupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // fields[0] is the state, fields[2] the process group; zombies are already dead.
      if (Number(fields[2]) === pgid && fields[0] !== "Z") members.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return members;
}

/** Renderer processes of a browser: they share its process group and say so on their command line. */
function rendererProcesses(browserPid: number): number[] {
  return processGroupMembers(browserPid).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("--type=renderer");
    } catch {
      return false;
    }
  });
}

function report(marker: string, rows = 20): string {
  const body = Array.from({ length: rows }, (_, i) => `<tr><td>${i + 1} Ocean Blvd</td><td>$${(700_000 + i * 1000).toLocaleString("en-US")}</td></tr>`).join("");
  return `<!doctype html><html><head><meta charset="utf-8"><title>t</title></head><body>
<h1>${marker}</h1><svg width="120" height="40"><rect width="120" height="40" fill="#2b6cb0"/></svg>
<table>${body}</table></body></html>`;
}

const browsers = browsersToTest();
if (browsers.length === 0) it.skip("PDF renderer (Chromium is not installed)", () => undefined);

for (const executablePath of browsers) {
  describe(`PDF renderer on ${executablePath}`, () => {
    let renderer: BrowserPdfRenderer;

    beforeAll(() => {
      renderer = createBrowserPdfRenderer({ executablePath });
    });
    afterAll(async () => {
      await renderer?.close();
    });

    it("renders a valid PDF with the report's text", async () => {
      const pdf = await renderer.render(report("Market snapshot 92101"));
      expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
      const text = await pdfText(pdf);
      expect(text).toContain("Market snapshot 92101");
      expect(text).toContain("$719,000");
    });

    it("uses the requested paper format", async () => {
      expect(await pdfPageSize(await renderer.render(report("letter")))).toMatch(/^612 x 792 pts/);
      expect(await pdfPageSize(await renderer.render(report("a4"), { format: "A4" }))).toMatch(/^59[45](\.\d+)? x 84[12](\.\d+)? pts/);
    });

    it("does not run scripts in the report", async () => {
      const pdf = await renderer.render(
        `<!doctype html><body><p>original content</p><script>document.body.innerHTML='hacked'</script>` +
          `<img src="x" onerror="document.body.innerHTML='hacked by onerror'"></body>`,
      );
      const text = await pdfText(pdf);
      expect(text).toContain("original content");
      expect(text).not.toContain("hacked");
    });

    it("fetches nothing: remote resources and local files are blocked", async () => {
      const requests: string[] = [];
      const server = http.createServer((req, res) => {
        requests.push(req.url ?? "");
        res.setHeader("content-type", "text/css");
        res.end("h1 { color: red }");
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      const dir = mkdtempSync(path.join(tmpdir(), "pdf-secret-"));
      const secret = path.join(dir, "secret.html");
      writeFileSync(secret, "<p>SECRET-FILE-CONTENT</p>");
      try {
        const pdf = await renderer.render(
          `<!doctype html><html><head><link rel="stylesheet" href="http://127.0.0.1:${port}/style.css"></head><body>` +
            `<p>visible</p><img src="http://127.0.0.1:${port}/pixel.png">` +
            `<iframe src="http://127.0.0.1:${port}/frame"></iframe><iframe src="file://${secret}"></iframe></body></html>`,
        );
        const text = await pdfText(pdf);
        expect(text).toContain("visible");
        expect(text).not.toContain("SECRET-FILE-CONTENT");
        expect(requests).toEqual([]);
      } finally {
        server.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("has no route out: prefetch, preconnect and DNS hints reach no server, by address or by name", async () => {
      const requests: string[] = [];
      const server = http.createServer((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.end("x");
      });
      server.on("connection", () => requests.push("connection"));
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      try {
        // Browser-initiated requests (prefetch, preconnect) never pass the page's request
        // interception; only the browser's own network settings can stop them.
        const hints = ["127.0.0.1", "localhost"]
          .map(
            (host) =>
              `<link rel="prefetch" href="http://${host}:${port}/prefetch"><link rel="preconnect" href="http://${host}:${port}">` +
              `<link rel="dns-prefetch" href="http://${host}:${port}"><link rel="preload" as="image" href="http://${host}:${port}/preload.png">`,
          )
          .join("");
        for (let i = 0; i < 3; i++) {
          const pdf = await renderer.render(`<!doctype html><html><head>${hints}</head><body><p>hinted ${i}</p><a href="http://127.0.0.1:${port}/link">link</a></body></html>`);
          expect(await pdfText(pdf)).toContain(`hinted ${i}`);
        }
        // Prefetches go out once the page is idle, after the print: give them time to arrive.
        await new Promise((resolve) => setTimeout(resolve, 1_500));
        expect(requests).toEqual([]);
      } finally {
        server.close();
      }
    });

    it("prints each job's own document on a page that served other jobs before", async () => {
      const opened = renderer.pagesOpened;
      for (let i = 0; i < 6; i++) {
        const text = await pdfText(await renderer.render(report(`Sequential account ${i}`)));
        expect(text).toContain(`Sequential account ${i}`);
        for (let j = 0; j < 6; j++) if (j !== i) expect(text).not.toContain(`Sequential account ${j}`);
      }
      // One page served them all, beside the warm ones opened ahead of demand.
      expect(renderer.pagesOpened - opened).toBeLessThanOrEqual(2);
    });

    it("refuses a report that tries to navigate away instead of printing something else", async () => {
      for (const target of ["url=http://127.0.0.1:9/elsewhere", ""]) {
        const html = `<!doctype html><html><head><meta http-equiv="refresh" content="0;${target}"></head><body><p>report</p></body></html>`;
        const error = await renderer.render(html).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PdfRenderError);
        expect((error as PdfRenderError).transient).toBe(false);
        expect((error as Error).message).toContain("navigate away");
      }
      expect(await pdfText(await renderer.render(report("still fine")))).toContain("still fine");
    });

    it("renders 8 reports at once", async () => {
      const pdfs = await Promise.all(Array.from({ length: 8 }, (_, i) => renderer.render(report(`Concurrent report ${i}`))));
      const texts = await Promise.all(pdfs.map(pdfText));
      texts.forEach((text, i) => expect(text).toContain(`Concurrent report ${i}`));
    });

    it("fails a render that runs out of time as transient, and keeps working", async () => {
      const error = await renderer.render(report("slow", 3000), { timeoutMs: 1 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfRenderError);
      expect((error as PdfRenderError).transient).toBe(true);
      expect(await pdfText(await renderer.render(report("after the timeout")))).toContain("after the timeout");
    });

    it("rejects bad input as permanent", async () => {
      for (const call of [
        () => renderer.render(""),
        () => renderer.render("<p>x</p>", { format: "Legal" as "A4" }),
        () => renderer.render("<p>x</p>", { timeoutMs: 0 }),
      ]) {
        const error = await call().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PdfRenderError);
        expect((error as PdfRenderError).transient).toBe(false);
      }
    });

    it("relaunches the browser after it is killed mid-flight", async () => {
      await renderer.render(report("warm"));
      const before = renderer.restarts;
      const pid = renderer.browserPid;
      expect(pid).toBeTypeOf("number");
      // Big documents take well over a second to lay out and print, so they are in flight
      // when the browser dies.
      const inFlight = Array.from({ length: 3 }, () => renderer.render(report("doomed", 20_000)).then(() => "rendered", (e: unknown) => e));
      await new Promise((resolve) => setTimeout(resolve, 200));
      process.kill(pid as number, "SIGKILL");
      const outcomes = await Promise.all(inFlight);
      for (const outcome of outcomes) {
        expect(outcome).toBeInstanceOf(PdfRenderError);
        expect((outcome as PdfRenderError).transient).toBe(true);
      }
      const pdf = await renderer.render(report("after the crash"));
      expect(await pdfText(pdf)).toContain("after the crash");
      expect(renderer.restarts).toBe(before + 1);
      expect(renderer.browserPid).not.toBe(pid);
    });

    it("fails only the jobs whose renderer crashed, without restarting the browser", async () => {
      await renderer.render(report("warm"));
      const before = renderer.restarts;
      const pid = renderer.browserPid as number;
      let settled = false;
      // A deadline past the test's own: only crash detection can end this job in time.
      const inFlight = renderer.render(report("doomed", 20_000), { timeoutMs: 120_000 }).then(
        () => "rendered",
        (e: unknown) => e,
      ).finally(() => {
        settled = true;
      });
      // Every renderer dies, the warm pages' ones included (those must not be handed out later),
      // and again until the job gives up: on a busy machine its renderer may start after the first kill.
      let killed = 0;
      while (!settled) {
        for (const rendererPid of rendererProcesses(pid)) {
          try {
            process.kill(rendererPid, "SIGKILL");
            killed++;
          } catch {
            // It ended on its own meanwhile.
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(killed).toBeGreaterThan(0);
      const outcome = await inFlight;
      expect(outcome).toBeInstanceOf(PdfRenderError);
      expect((outcome as PdfRenderError).transient).toBe(true);
      const pdfs = await Promise.all([1, 2, 3].map((i) => renderer.render(report(`after renderer crash ${i}`))));
      for (const [i, pdf] of pdfs.entries()) expect(await pdfText(pdf)).toContain(`after renderer crash ${i + 1}`);
      expect(renderer.restarts).toBe(before);
      expect(renderer.browserPid).toBe(pid);
    });

    it("replaces a browser that stops answering after two jobs in a row run out of time", async () => {
      const stuck = createBrowserPdfRenderer({ executablePath });
      try {
        await stuck.render(report("before the freeze"));
        const pid = stuck.browserPid as number;
        process.kill(pid, "SIGSTOP");
        for (let i = 0; i < 2; i++) {
          const error = await stuck.render(report("frozen"), { timeoutMs: 1_000 }).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(PdfRenderError);
          expect((error as PdfRenderError).transient).toBe(true);
          expect((error as PdfRenderError).timedOut).toBe(true);
        }
        const pdf = await stuck.render(report("after the freeze"));
        expect(await pdfText(pdf)).toContain("after the freeze");
        expect(stuck.restarts).toBe(1);
        expect(stuck.browserPid).not.toBe(pid);
        expect(processGroupMembers(pid)).toEqual([]);
      } finally {
        await stuck.close();
      }
    });

    it("recycles the browser after maxJobsPerBrowser jobs without failing any job", async () => {
      const recycling = createBrowserPdfRenderer({ executablePath, maxJobsPerBrowser: 3 });
      try {
        const pids = new Set<number>();
        for (let i = 0; i < 4; i++) {
          await recycling.render(report(`sequential ${i}`));
          if (recycling.browserPid !== undefined) pids.add(recycling.browserPid);
        }
        const pdfs = await Promise.all(Array.from({ length: 7 }, (_, i) => recycling.render(report(`batch ${i}`))));
        const texts = await Promise.all(pdfs.map(pdfText));
        texts.forEach((text, i) => expect(text).toContain(`batch ${i}`));
        // 11 jobs at 3 per browser: four browsers, three relaunches.
        expect(recycling.restarts).toBe(3);
        for (const old of pids) {
          if (old !== recycling.browserPid) expect(processGroupMembers(old)).toEqual([]);
        }
      } finally {
        await recycling.close();
      }
    });

    it("prints at most `concurrency` reports at once; the others wait their turn and all succeed", async () => {
      // No warm pages: each print at once needs a page of its own, so the pages opened tell how
      // many printed side by side.
      const one = createBrowserPdfRenderer({ executablePath, concurrency: 1, warmPages: 0 });
      const unlimited = createBrowserPdfRenderer({ executablePath, warmPages: 0 });
      try {
        const texts = await Promise.all(Array.from({ length: 4 }, (_, i) => one.render(report(`turn ${i}`)).then(pdfText)));
        texts.forEach((text, i) => expect(text).toContain(`turn ${i}`));
        expect(one.pagesOpened).toBe(1);
        await Promise.all(Array.from({ length: 4 }, (_, i) => unlimited.render(report(`together ${i}`))));
        expect(unlimited.pagesOpened).toBe(4);
        for (const concurrency of [0, 1.5]) expect(() => createBrowserPdfRenderer({ executablePath, concurrency })).toThrow(/concurrency must be an integer of at least 1/);
      } finally {
        await Promise.all([one.close(), unlimited.close()]);
      }
    });

    it("close() leaves no Chromium process behind and refuses later renders", async () => {
      const closing = createBrowserPdfRenderer({ executablePath });
      await closing.render(report("one job"));
      const pid = closing.browserPid as number;
      expect(processGroupMembers(pid).length).toBeGreaterThan(0);
      await closing.close();
      expect(processGroupMembers(pid)).toEqual([]);
      const error = await closing.render(report("too late")).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PdfRenderError);
      expect((error as PdfRenderError).transient).toBe(false);
    });

    it("reports a missing executable as a permanent failure", async () => {
      const missing = createBrowserPdfRenderer({ executablePath: "/nonexistent/chromium" });
      try {
        const error = await missing.render(report("x")).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(PdfRenderError);
        expect((error as PdfRenderError).transient).toBe(false);
        expect((error as Error).message).toContain("/nonexistent/chromium");
      } finally {
        await missing.close();
      }
    });
  });
}
