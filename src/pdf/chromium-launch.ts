import type { LaunchOptions } from "puppeteer-core";
import { isHeadlessShell } from "./find-chromium.js";

/**
 * What any headless Chromium here needs: no sandbox (containers without user namespaces), no GPU,
 * /tmp instead of a small /dev/shm, and none of Chromium's own background downloads. The browser
 * tests use these alone (they must reach the local server, which the PDF renderer's flags forbid).
 */
export const CHROMIUM_BASE_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];

export const CHROMIUM_ARGS = [
  ...CHROMIUM_BASE_ARGS,
  "--font-render-hinting=none",
  // Full Chromium's new headless mode opens two omnibox WebUI pages in every window, and every
  // browser context gets its own window: these pages were a fifth of a job's CPU.
  "--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup,WebUIOmniboxFullPopup",
  // No route out. Request interception sees only what a page fetches; the browser's own requests
  // (prefetch, preconnect) go around it. So every request is sent to a proxy whose name resolves
  // nowhere, loopback included (Chromium bypasses proxies for it unless told), and every host
  // name fails to resolve: nothing leaves the browser, by address or by name.
  "--proxy-server=http://no-route.invalid:9",
  "--proxy-bypass-list=<-loopback>",
  "--host-resolver-rules=MAP * ~NOTFOUND",
];

/**
 * One set of launch options for the renderer and for the benchmark that measures its ceiling,
 * so the two always compare the same browser.
 */
export function chromiumLaunchOptions(executablePath: string): LaunchOptions {
  return {
    executablePath,
    headless: isHeadlessShell(executablePath) ? "shell" : true,
    args: CHROMIUM_ARGS,
    // A pipe instead of a debugging port: nothing listens on the network, and the browser exits
    // by itself when this process dies and the pipe closes.
    pipe: true,
    // The worker owns shutdown: it drains its jobs and then calls close().
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false,
    timeout: 30_000,
    protocolTimeout: 60_000,
  };
}

export const PAPER_SIZES_IN_INCHES = {
  Letter: { width: 8.5, height: 11 },
  A4: { width: 8.27, height: 11.7 },
} as const;

export type PaperFormat = keyof typeof PAPER_SIZES_IN_INCHES;
