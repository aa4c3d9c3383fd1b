import { queryClient, sessionQuery } from "./api.js";
import { schedulesListQuery } from "./pages/schedules-list-query.js";

// main.tsx imports this module first, so these requests go out while React and the app are still
// being evaluated, side by side, instead of the session check after the first render and the
// list only once the session answered. The queries cache the answers for the components.
void queryClient.prefetchQuery(sessionQuery);
if (window.location.pathname === "/schedules" || window.location.pathname === "/") {
  void queryClient.prefetchInfiniteQuery(schedulesListQuery("all", ""));
}
