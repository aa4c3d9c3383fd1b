import { queryClient, sessionQuery } from "./api.js";
import { schedulesListQuery } from "./pages/schedules-list-query.js";

// main.ts runs this before React and the app are even evaluated, so the session check and the
// list go out side by side at once, instead of the session check after the first render and the
// list only once the session answered. The queries cache the answers for the components.
const requests: Promise<void>[] = [queryClient.prefetchQuery(sessionQuery)];
if (window.location.pathname === "/schedules" || window.location.pathname === "/") {
  requests.push(queryClient.prefetchInfiniteQuery(schedulesListQuery("all", "")));
}

/**
 * Resolves once those requests are answered (a prefetch never rejects), or after `ms` at most: the
 * first render then shows the list, rather than "Loading…" laid out and replaced a moment later.
 */
export function earlyRequestsSettled(ms: number): Promise<void> {
  return Promise.race([Promise.all(requests).then(() => undefined), new Promise<void>((resolve) => setTimeout(resolve, ms))]);
}
