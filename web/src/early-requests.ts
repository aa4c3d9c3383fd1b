import { queryClient, sessionQuery } from "./api.js";
import { schedulesListQuery } from "./pages/schedules-list-query.js";

// main.ts runs this before React and the app are even evaluated, so the session check and the
// list go out side by side at once, instead of the session check after the first render and the
// list only once the session answered. The queries cache the answers for the components.
void queryClient.prefetchQuery(sessionQuery);
if (window.location.pathname === "/schedules" || window.location.pathname === "/") {
  void queryClient.prefetchInfiniteQuery(schedulesListQuery("all", ""));
}
