import { accessSync, constants } from "node:fs";
import puppeteer, {
  ConnectionClosedError,
  ProtocolError,
  TimeoutError,
  type Browser,
  type CDPSession,
} from "puppeteer-core";
import { createSlots } from "../concurrency/first-come-slots.js";
import type { Logger } from "../log/logger.js";
import { chromiumLaunchOptions, type PaperFormat } from "./chromium-launch.js";
import {
  createCrashWatch,
  openIsolatedPage,
  PageCrashedError,
  printIsolatedPage,
  ReportNavigatedError,
  StaleDocumentError,
  type CrashWatch,
  type IsolatedPage,
} from "./isolated-page.js";

export interface RenderOptions {
  format?: PaperFormat;
  timeoutMs?: number;
}

export interface PdfRenderer {
  render(html: string, options?: RenderOptions): Promise<Buffer>;
  close(): Promise<void>;
  /** Browser launches after the first one: crashes, disconnects and recycling after N jobs. */
  readonly restarts: number;
}

export interface BrowserPdfRenderer extends PdfRenderer {
  /** The running browser's process id, undefined while none runs. For tests and diagnostics. */
  readonly browserPid: number | undefined;
  /** Browser contexts (pages) opened so far, warm ones included. For tests and diagnostics. */
  readonly pagesOpened: number;
}

/**
 * Why a render failed. Transient failures (browser crash or disconnect, timeout, launch hiccup)
 * may succeed on a retry; permanent ones (bad input, a missing executable) will not.
 */
export class PdfRenderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    options?: { cause?: unknown; timedOut?: boolean },
  ) {
    super(message, options);
    this.name = "PdfRenderError";
    this.timedOut = options?.timedOut ?? false;
  }

  /** The job ran past its timeoutMs. */
  readonly timedOut: boolean;
}

export interface BrowserPdfRendererOptions {
  executablePath: string;
  /** Relaunch the browser after this many jobs, to bound memory that leaks across contexts. */
  maxJobsPerBrowser?: number;
  /**
   * Blank isolated pages opened ahead of demand; opening one while the worker waits on the
   * network takes its cost off the job.
   */
  warmPages?: number;
  /**
   * Print the next report on the page the last one used (default true) instead of a new context
   * per job. A new context means a new renderer process, whose start-up (V8, Blink, fonts) cost
   * far more CPU than the report itself. What keeps one job from seeing another is unchanged:
   * scripts are off, every request fails, the document is replaced whole (and checked to be this
   * job's before printing); a page that failed, crashed or ran out of time is
   * closed, not reused; each page still has a context of its own.
   */
  reusePages?: boolean;
  /**
   * Reports printed at once; more wait for a turn (their timeout starts with it). Unlimited by
   * default. The worker holds more jobs than it prints at once, so that Chromium has the next
   * report while others are uploaded and mailed, and this keeps the printing itself at its size.
   */
  concurrency?: number;
  defaultTimeoutMs?: number;
  logger?: Logger;
}

/** One browser process and everything this renderer knows about it. */
interface BrowserGeneration {
  readonly browser: Browser;
  readonly session: CDPSession;
  readonly crashWatch: CrashWatch;
  readonly pid: number | undefined;
  jobs: number;
  inFlight: number;
  /** Jobs in a row that ran out of time: a browser that stops answering gets replaced. */
  timeoutsInARow: number;
  retiring: boolean;
  dead: boolean;
  warm: Promise<IsolatedPage | undefined>[];
  /** Settles once the browser of a retiring generation has been closed. */
  retired?: Promise<void>;
  markDrained?: () => void;
}

const CLOSE_GRACE_MS = 5_000;
/** Two jobs in a row out of time on one browser: it is more likely stuck than the reports heavy. */
const TIMEOUTS_BEFORE_RECYCLE = 2;

export function createBrowserPdfRenderer(options: BrowserPdfRendererOptions): BrowserPdfRenderer {
  const maxJobsPerBrowser = options.maxJobsPerBrowser ?? 200;
  const warmPages = options.warmPages ?? 2;
  const reusePages = options.reusePages ?? true;
  const defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
  const logger = options.logger;
  if (!Number.isInteger(maxJobsPerBrowser) || maxJobsPerBrowser < 1) {
    throw new RangeError("maxJobsPerBrowser must be an integer of at least 1");
  }
  if (!Number.isInteger(warmPages) || warmPages < 0) {
    throw new RangeError("warmPages must be an integer of at least 0");
  }
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new RangeError("concurrency must be an integer of at least 1");
  }
  const printing = options.concurrency === undefined ? undefined : createSlots(options.concurrency);

  let current: BrowserGeneration | undefined;
  /** Every generation whose browser may still run, including retiring ones still draining. */
  const live = new Set<BrowserGeneration>();
  let launching: Promise<BrowserGeneration> | undefined;
  let launches = 0;
  let pagesOpened = 0;
  let closed = false;

  async function launch(): Promise<BrowserGeneration> {
    // A missing binary will stay missing: no retry can fix it.
    try {
      accessSync(options.executablePath, constants.X_OK);
    } catch (error) {
      throw new PdfRenderError(`Chromium at ${options.executablePath} is missing or not executable`, false, { cause: error });
    }
    let browser: Browser;
    try {
      browser = await puppeteer.launch(chromiumLaunchOptions(options.executablePath));
    } catch (error) {
      throw new PdfRenderError(`could not launch Chromium at ${options.executablePath}: ${messageOf(error)}`, true, {
        cause: error,
      });
    }
    launches++;
    // puppeteer drops its error listeners on the browser's pipes when it disconnects; a pipe
    // reset by a browser killed after that would otherwise be an uncaught error in the worker.
    for (const stream of browser.process()?.stdio ?? []) stream?.on("error", () => undefined);
    let session: CDPSession;
    let crashWatch: CrashWatch;
    try {
      session = await browser.target().createCDPSession();
      crashWatch = await createCrashWatch(session);
    } catch (error) {
      killProcessGroup(browser.process()?.pid);
      throw new PdfRenderError(`Chromium started but did not answer: ${messageOf(error)}`, true, { cause: error });
    }
    const generation: BrowserGeneration = {
      browser,
      session,
      crashWatch,
      pid: browser.process()?.pid,
      jobs: 0,
      inFlight: 0,
      timeoutsInARow: 0,
      retiring: false,
      dead: false,
      warm: [],
    };
    live.add(generation);
    browser.once("disconnected", () => {
      generation.dead = true;
      live.delete(generation);
      if (current === generation) current = undefined;
      if (!generation.retiring && !closed) {
        logger?.warn({ pid: generation.pid, jobs: generation.jobs }, "Chromium disconnected; the next render relaunches it");
      }
      // A browser that dropped its pipe but still runs would hold memory forever.
      killProcessGroup(generation.pid);
      generation.markDrained?.();
    });
    logger?.info({ pid: generation.pid, restarts: launches - 1 }, "Chromium launched");
    return generation;
  }

  function retire(generation: BrowserGeneration): void {
    generation.retiring = true;
    if (current === generation) current = undefined;
    generation.retired = new Promise<void>((resolve) => {
      generation.markDrained = resolve;
      if (generation.inFlight === 0) resolve();
    }).then(async () => {
      for (const warm of generation.warm.splice(0)) void warm.then((page) => page?.close().catch(() => undefined));
      await closeBrowser(generation);
    });
  }

  async function acquire(): Promise<BrowserGeneration> {
    for (;;) {
      if (closed) throw new PdfRenderError("the PDF renderer is closed", false);
      const generation = current;
      if (generation && !generation.dead && !generation.retiring && generation.browser.connected) {
        generation.inFlight++;
        generation.jobs++;
        if (generation.jobs >= maxJobsPerBrowser) retire(generation);
        return generation;
      }
      // One browser at a time: a retiring one finishes its jobs and closes before the next starts.
      const draining = [...live].find((g) => g.retiring);
      if (draining) {
        await draining.retired;
        live.delete(draining);
        continue;
      }
      if (!launching) {
        launching = launch().finally(() => {
          launching = undefined;
        });
        launching.then(
          (launched) => {
            if (!closed) current = launched;
          },
          () => undefined,
        );
      }
      await launching;
    }
  }

  function release(generation: BrowserGeneration): void {
    generation.inFlight--;
    if (generation.inFlight === 0 && (generation.retiring || generation.dead)) generation.markDrained?.();
  }

  function refillWarmPages(generation: BrowserGeneration): void {
    while (!closed && !generation.dead && !generation.retiring && generation.warm.length < warmPages) {
      generation.warm.push(
        openPage(generation).catch((error: unknown) => {
          logger?.debug({ err: messageOf(error) }, "could not open a warm page");
          return undefined;
        }),
      );
    }
  }

  async function takePage(generation: BrowserGeneration): Promise<IsolatedPage> {
    const warm = generation.warm.shift();
    const page = warm ? await warm : undefined;
    if (page && !page.session.detached && !page.hasCrashed) return page;
    if (page) await page.close().catch(() => undefined);
    return openPage(generation);
  }

  function openPage(generation: BrowserGeneration): Promise<IsolatedPage> {
    pagesOpened++;
    return openIsolatedPage(generation.browser, generation.session, generation.crashWatch);
  }

  async function renderInTurn(html: string, renderOptions: RenderOptions = {}): Promise<Buffer> {
    if (!printing) return render(html, renderOptions);
    await printing.take();
    try {
      return await render(html, renderOptions);
    } finally {
      printing.give();
    }
  }

  async function render(html: string, renderOptions: RenderOptions = {}): Promise<Buffer> {
    if (typeof html !== "string" || html.length === 0) {
      throw new PdfRenderError("html must be a non-empty string", false);
    }
    const format = renderOptions.format ?? "Letter";
    if (format !== "Letter" && format !== "A4") {
      throw new PdfRenderError(`format must be "Letter" or "A4", got ${JSON.stringify(format)}`, false);
    }
    const timeoutMs = renderOptions.timeoutMs ?? defaultTimeoutMs;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new PdfRenderError("timeoutMs must be a positive number", false);
    }

    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new PdfRenderError(`rendering the PDF took longer than ${timeoutMs} ms`, true, { timedOut: true })),
        timeoutMs,
      );
    });
    deadline.catch(() => undefined);

    let generation: BrowserGeneration | undefined;
    let pagePromise: Promise<IsolatedPage> | undefined;
    let rendered = false;
    const acquiring = acquire();
    try {
      generation = await Promise.race([acquiring, deadline]);
      const acquired = generation;
      const fromPool = acquired.warm.length > 0;
      pagePromise = takePage(acquired);
      let page = await Promise.race([pagePromise, deadline]);
      const print = (target: IsolatedPage) =>
        Promise.race([printIsolatedPage(target, html, format), target.crashed, deadline]);
      let blockedBefore = page.blockedRequests;
      let pdf: Buffer;
      try {
        pdf = await print(page);
      } catch (error) {
        // A warm page's renderer can die while it waits (its crash notice still in flight when it
        // was handed out): that is no fault of this job, which gets one fresh page.
        if (!fromPool || !(error instanceof PageCrashedError || page.hasCrashed)) throw error;
        logger?.debug({ err: messageOf(error) }, "a warm page had crashed; printing on a fresh one");
        void page.close().catch(() => undefined);
        pagePromise = openPage(acquired);
        page = await Promise.race([pagePromise, deadline]);
        blockedBefore = page.blockedRequests;
        pdf = await print(page);
      }
      if (page.blockedRequests > blockedBefore) {
        logger?.warn({ blockedRequests: page.blockedRequests - blockedBefore }, "report HTML asked for remote resources; they were blocked");
      }
      acquired.timeoutsInARow = 0;
      rendered = true;
      return pdf;
    } catch (error) {
      const failure = classify(error, generation);
      if (generation && failure.timedOut && ++generation.timeoutsInARow >= TIMEOUTS_BEFORE_RECYCLE && !generation.retiring) {
        logger?.warn({ pid: generation.pid }, "Chromium ran out of time twice in a row; replacing it");
        retire(generation);
      }
      throw failure;
    } finally {
      clearTimeout(timer);
      if (rendered && reusePages && generation && !generation.retiring && !generation.dead && pagePromise) {
        // Handed out again at once, first in line, before any fresh page. It is not emptied: the
        // next job replaces the document whole and prints only once the page shows its own, and
        // emptying cost the renderer and the browser about 7 % of bench:worker's throughput.
        generation.warm.unshift(pagePromise.catch(() => undefined));
      } else {
        const closing = pagePromise?.then((page) => page.close());
        // After a success the context is gone before the caller continues, which bounds how many
        // exist. After a failure the browser may be stuck: the caller hears of it at once, and the
        // context goes when it can (or with the browser).
        if (closing && rendered) await withGrace(closing).catch(() => undefined);
        else closing?.catch(() => undefined);
      }
      if (generation) {
        release(generation);
        // Opened after this job, not during it, so it never competes with the job for CPU.
        refillWarmPages(generation);
      }
      // The deadline struck while waiting for a browser: give back the slot once it arrives.
      else acquiring.then(release, () => undefined);
    }
  }

  async function closeBrowser(generation: BrowserGeneration): Promise<void> {
    try {
      await withGrace(generation.browser.close());
    } catch {
      // Closing politely failed or hung; the group kill below is the backstop.
    }
    killProcessGroup(generation.pid);
    await processGroupGone(generation.pid);
  }

  async function close(): Promise<void> {
    closed = true;
    if (launching) await launching.catch(() => undefined);
    current = undefined;
    await Promise.all([...live].map((g) => closeBrowser(g)));
  }

  return {
    render: renderInTurn,
    close,
    get restarts() {
      return Math.max(0, launches - 1);
    },
    get pagesOpened() {
      return pagesOpened;
    },
    get browserPid() {
      return current && !current.dead ? current.pid : undefined;
    },
  };
}

function classify(error: unknown, generation: BrowserGeneration | undefined): PdfRenderError {
  if (error instanceof PdfRenderError) return error;
  const browserGone = generation?.dead === true;
  if (
    browserGone ||
    // TargetCloseError is missing from puppeteer's public types; its name is stable.
    (error instanceof Error && error.name === "TargetCloseError") ||
    error instanceof ConnectionClosedError ||
    error instanceof TimeoutError ||
    error instanceof PageCrashedError ||
    error instanceof StaleDocumentError
  ) {
    return new PdfRenderError(`Chromium failed while rendering: ${messageOf(error)}`, true, { cause: error });
  }
  if (error instanceof ReportNavigatedError) {
    return new PdfRenderError(`the report cannot be printed: ${error.message}`, false, { cause: error });
  }
  // Chromium rejecting a command on a live page means the input is wrong; retrying repeats it.
  if (error instanceof ProtocolError) {
    return new PdfRenderError(`Chromium rejected the report: ${messageOf(error)}`, false, { cause: error });
  }
  return new PdfRenderError(`rendering the PDF failed: ${messageOf(error)}`, true, { cause: error });
}

function withGrace<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`gave up after ${CLOSE_GRACE_MS} ms`)), CLOSE_GRACE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** puppeteer starts Chromium as the leader of its own process group; this ends the whole group. */
function killProcessGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/**
 * SIGKILL is delivered asynchronously: waits, briefly, until no process of the group is left, so
 * that after close() nothing of the browser still runs. Zombies count as left until reaped.
 */
async function processGroupGone(pid: number | undefined): Promise<void> {
  if (pid === undefined) return;
  for (let waited = 0; waited < CLOSE_GRACE_MS; waited += 20) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
