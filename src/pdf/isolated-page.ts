import { randomUUID } from "node:crypto";
import type { Browser, CDPSession } from "puppeteer-core";
import { PAPER_SIZES_IN_INCHES, type PaperFormat } from "./chromium-launch.js";

/**
 * A blank page alone in a fresh browser context, scripts off and every request failed, ready to
 * print one report. It talks CDP directly instead of through puppeteer's Page: a Page turns on
 * network, runtime, performance and log tracking and builds an extra JS world for helpers this
 * renderer never uses: 10 to 25 per cent of a job's CPU in our measurements.
 */
export interface IsolatedPage {
  readonly session: CDPSession;
  readonly frameId: string;
  /** Rejects when the page's renderer crashes; never resolves. */
  readonly crashed: Promise<never>;
  /** Set with `crashed`: a warm page whose renderer died while waiting must not be handed out. */
  readonly hasCrashed: boolean;
  /** Requests the page tried to make, all of them failed. */
  readonly blockedRequests: number;
  /** Disposes of the context, and the renderer with it. */
  close(): Promise<void>;
}

export class PageCrashedError extends Error {
  constructor() {
    super("the page's renderer process crashed");
    this.name = "PageCrashedError";
  }
}

/**
 * Tells which pages' renderers crashed. A page learns of its own crash from Inspector.targetCrashed
 * only if it was attached by then, and a crashed renderer leaves every later command to that
 * page unanswered, so the browser-wide Target.targetCrashed is what a job relies on.
 */
export interface CrashWatch {
  /** Calls onCrash once the target's renderer has crashed, at once if it already has. Returns an unsubscribe. */
  watch(targetId: string, onCrash: () => void): () => void;
}

export async function createCrashWatch(browserSession: CDPSession): Promise<CrashWatch> {
  const crashed = new Set<string>();
  const watchers = new Map<string, () => void>();
  browserSession.on("Target.targetCrashed", (event: { targetId: string }) => {
    const onCrash = watchers.get(event.targetId);
    if (onCrash) onCrash();
    else crashed.add(event.targetId);
  });
  browserSession.on("Target.targetDestroyed", (event: { targetId: string }) => {
    crashed.delete(event.targetId);
  });
  await browserSession.send("Target.setDiscoverTargets", { discover: true });
  return {
    watch(targetId, onCrash) {
      if (crashed.delete(targetId)) onCrash();
      else watchers.set(targetId, onCrash);
      return () => watchers.delete(targetId);
    },
  };
}

export async function openIsolatedPage(browser: Browser, browserSession: CDPSession, crashWatch: CrashWatch): Promise<IsolatedPage> {
  const context = await browser.createBrowserContext();
  let unwatch: (() => void) | undefined;
  const close = async () => {
    unwatch?.();
    await context.close();
  };
  try {
    const { targetId } = await browserSession.send("Target.createTarget", {
      url: "about:blank",
      browserContextId: context.id,
    });
    const state = { hasCrashed: false, blockedRequests: 0 };
    let rejectCrashed!: (error: Error) => void;
    const crashed = new Promise<never>((_, reject) => {
      rejectCrashed = reject;
    });
    // Nobody awaits this until a job races against it; a crash before that must not be unhandled.
    crashed.catch(() => undefined);
    const onCrash = () => {
      state.hasCrashed = true;
      rejectCrashed(new PageCrashedError());
    };
    unwatch = crashWatch.watch(targetId, onCrash);

    const { sessionId } = await Promise.race([browserSession.send("Target.attachToTarget", { targetId, flatten: true }), crashed]);
    const session = browserSession.connection()?.session(sessionId);
    if (!session) throw new Error("the browser connection has no session for the new page");
    session.on("Inspector.targetCrashed", onCrash);
    // Reports are self-contained HTML and SVG: any request is a mistake or an injection
    // (a tracking pixel, an internal URL, a file), so each one fails without leaving the browser.
    session.on("Fetch.requestPaused", (event: { requestId: string }) => {
      state.blockedRequests++;
      session.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" }).catch(() => undefined);
    });

    // Sent together: CDP answers in order, so this costs one round trip instead of four.
    const setup = Promise.all([
      // With scripts off, a <script> smuggled into a report cannot run at all; nothing in a
      // report needs one.
      session.send("Emulation.setScriptExecutionDisabled", { value: true }),
      session.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }),
      session.send("Page.enable"),
      session.send("Page.getFrameTree"),
    ]);
    // A renderer that dies now leaves these unanswered for good.
    const [, , , frameTree] = await Promise.race([setup, crashed]);
    return {
      session,
      frameId: frameTree.frameTree.frame.id,
      crashed,
      get hasCrashed() {
        return state.hasCrashed;
      },
      get blockedRequests() {
        return state.blockedRequests;
      },
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

/** The report tried to replace itself (a meta refresh, say): what would print is not the report. */
export class ReportNavigatedError extends Error {
  constructor(url: string, reason: string) {
    super(`the report tried to navigate away (${reason} to ${url}); reports must be a single static page`);
    this.name = "ReportNavigatedError";
  }
}

export async function printIsolatedPage(page: IsolatedPage, html: string, format: PaperFormat): Promise<Buffer> {
  const { session } = page;
  let rejectNavigated!: (error: Error) => void;
  const navigated = new Promise<never>((_, reject) => {
    rejectNavigated = reject;
  });
  navigated.catch(() => undefined);
  const onNavigation = (event: { frameId: string; url: string; reason: string }) => {
    if (event.frameId === page.frameId) rejectNavigated(new ReportNavigatedError(event.url, event.reason));
  };
  session.on("Page.frameRequestedNavigation", onNavigation);
  try {
    return await Promise.race([print(page, html, format), navigated]);
  } finally {
    session.off("Page.frameRequestedNavigation", onNavigation);
  }
}

/** The page was about to print something other than this job's document. */
export class StaleDocumentError extends Error {
  constructor() {
    super("the page did not show this job's document when it was about to print");
    this.name = "StaleDocumentError";
  }
}

/** Replaces the page's document and waits for its load event. */
async function setDocument(page: IsolatedPage, html: string): Promise<void> {
  const { session } = page;
  const loaded = new Promise<void>((resolve) => session.once("Page.loadEventFired", () => resolve()));
  await session.send("Page.setDocumentContent", { frameId: page.frameId, html });
  await loaded;
}

async function print(page: IsolatedPage, html: string, format: PaperFormat): Promise<Buffer> {
  const { session } = page;
  // A page serves job after job: a comment before the doctype (it changes nothing in how the
  // document parses) names this job, and the page must show it before anything is printed.
  const nonce = `job-${randomUUID()}`;
  await setDocument(page, `<!--${nonce}-->${html}`);
  // Fonts embedded as data: URLs may still be decoding at the load event. Page scripts are off,
  // but DevTools evaluation still runs.
  const { result } = await session.send("Runtime.evaluate", {
    expression: "document.fonts.ready.then(() => document.firstChild && document.firstChild.nodeType === 8 ? document.firstChild.data : null)",
    awaitPromise: true,
    returnByValue: true,
  });
  if (result.value !== nonce) throw new StaleDocumentError();
  const paper = PAPER_SIZES_IN_INCHES[format];
  const { data } = await session.send("Page.printToPDF", {
    paperWidth: paper.width,
    paperHeight: paper.height,
    marginTop: 0,
    marginBottom: 0,
    marginLeft: 0,
    marginRight: 0,
    printBackground: true,
    preferCSSPageSize: true,
    generateTaggedPDF: true,
    transferMode: "ReturnAsBase64",
  });
  return Buffer.from(data, "base64");
}
