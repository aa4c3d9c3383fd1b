/**
 * What the web app's schedules page asks first, shared by the page and the server. Plain
 * constants, no Node: the browser app imports this file too.
 */

/** Schedules per page of the web app's list (its first page, and each "Load more"). */
export const SCHEDULES_PAGE_SIZE = 200;

/**
 * The page's first two requests, exactly as the app sends them: its session check, and the
 * list's first page as tRPC's httpLink asks for it (GET, the input as URL-encoded JSON). The
 * server names them in a preload Link header when it serves that page to a browser with a
 * session cookie, so they start while the HTML is read instead of once the app's script has
 * run; the app's own fetches of the same URLs are then answered from the preload. The browser
 * suite checks each is fetched once.
 */
export const SCHEDULES_PAGE_FIRST_REQUESTS = [
  "/auth/session",
  `/trpc/schedules.list?input=${encodeURIComponent(JSON.stringify({ status: "all", limit: SCHEDULES_PAGE_SIZE }))}`,
] as const;
