import { infiniteQueryOptions } from "@tanstack/react-query";
import { SCHEDULES_PAGE_SIZE } from "../../../src/api/http/first-page-requests.js";
import { trpc, trpcClient } from "../api.js";

export type StatusFilter = "active" | "paused" | "all";

/**
 * One filter and search of the schedules list, SCHEDULES_PAGE_SIZE a page: the page's query and
 * the request started before React loads (early-requests.ts) share it, so the page finds that
 * answer cached. The server also preloads the first page's URL (first-page-requests.ts).
 */
export function schedulesListQuery(status: StatusFilter, nameContains: string) {
  const input = { status, name_contains: nameContains || undefined, limit: SCHEDULES_PAGE_SIZE };
  return infiniteQueryOptions({
    queryKey: [...trpc.schedules.list.pathKey(), input, "pages"],
    // Unbatched: the list is what the page waits for, and the first one is asked while React loads.
    queryFn: ({ pageParam }) => trpcClient.schedules.list.query({ ...input, cursor: pageParam }, { context: { unbatched: true } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}
