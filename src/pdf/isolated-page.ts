import type { Browser, BrowserContext, CDPSession } from "puppeteer-core";
import { PAPER_SIZES_IN_INCHES, type PaperFormat } from "./chromium-launch.js";

/**
 * A blank page alone in a fresh browser context, scripts off and every request failed, ready to
 * print one report. It talks CDP directly instead of through puppeteer's Page: a Page turns on
 * network, runtime, performance and log tracking and builds an extra JS world for helpers this
 * renderer never uses, about a seventh of a job's CPU.
 */
export interface IsolatedPage {
  readonly context: BrowserContext;
  readonly session: CDPSession;
  readonly frameId: string;
  /** Rejects when the page's renderer crashes; never resolves. */
  readonly crashed: Promise<never>;
  /** Set with `crashed`: a warm page whose renderer died while waiting must not be handed out. */
  hasCrashed: boolean;
  blockedRequests: number;
}

export class PageCrashedError extends Error {
  constructor() {
    super("the page's renderer process crashed");
    this.name = "PageCrashedError";
  }
}

export async function openIsolatedPage(browser: Browser, browserSession: CDPSession): Promise<IsolatedPage> {
  const context = await browser.createBrowserContext();
  try {
    const { targetId } = await browserSession.send("Target.createTarget", {
      url: "about:blank",
      browserContextId: context.id,
    });
    const { sessionId } = await browserSession.send("Target.attachToTarget", { targetId, flatten: true });
    const session = browserSession.connection()?.session(sessionId);
    if (!session) throw new Error("the browser connection has no session for the new page");

    let rejectCrashed!: (error: Error) => void;
    const crashed = new Promise<never>((_, reject) => {
      rejectCrashed = reject;
    });
    // Nobody awaits this until a job races against it; a crash before that must not be unhandled.
    crashed.catch(() => undefined);
    const page: IsolatedPage = { context, session, frameId: "", crashed, hasCrashed: false, blockedRequests: 0 };
    session.on("Inspector.targetCrashed", () => {
      page.hasCrashed = true;
      rejectCrashed(new PageCrashedError());
    });
    // Reports are self-contained HTML and SVG: any request is a mistake or an injection
    // (a tracking pixel, an internal URL, a file), so each one fails without leaving the browser.
    session.on("Fetch.requestPaused", (event: { requestId: string }) => {
      page.blockedRequests++;
      session.send("Fetch.failRequest", { requestId: event.requestId, errorReason: "BlockedByClient" }).catch(() => undefined);
    });

    // Sent together: CDP answers in order, so this costs one round trip instead of four.
    const [, , , frameTree] = await Promise.all([
      // With scripts off, a <script> smuggled into a report cannot run at all; nothing in a
      // report needs one, and the renderer skips creating a JS context for the page.
      session.send("Emulation.setScriptExecutionDisabled", { value: true }),
      session.send("Fetch.enable", { patterns: [{ urlPattern: "*" }] }),
      session.send("Page.enable"),
      session.send("Page.getFrameTree"),
    ]);
    return Object.assign(page, { frameId: frameTree.frameTree.frame.id });
  } catch (error) {
    await context.close().catch(() => undefined);
    throw error;
  }
}

export async function printIsolatedPage(
  page: IsolatedPage,
  html: string,
  format: PaperFormat,
): Promise<Buffer> {
  const { session } = page;
  const loaded = new Promise<void>((resolve) => session.once("Page.loadEventFired", () => resolve()));
  await session.send("Page.setDocumentContent", { frameId: page.frameId, html });
  await loaded;
  // Fonts embedded as data: URLs may still be decoding at the load event. Page scripts are off,
  // but DevTools evaluation still runs.
  await session.send("Runtime.evaluate", {
    expression: "document.fonts.ready.then(() => true)",
    awaitPromise: true,
    returnByValue: true,
  });
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
