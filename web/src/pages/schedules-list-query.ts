import { infiniteQueryOptions } from "@tanstack/react-query";
import { trpc, trpcClient } from "../api.js";

export type StatusFilter = "active" | "paused" | "all";

/**
 * One filter and search of the schedules list, 200 a page: the page's query and the request
 * started before React loads (early-requests.ts) share it, so the page finds that answer cached.
 */
export function schedulesListQuery(status: StatusFilter, nameContains: string) {
  const input = { status, name_contains: nameContains || undefined, limit: 200 };
  return infiniteQueryOptions({
    queryKey: [...trpc.schedules.list.pathKey(), input, "pages"],
    // Unbatched: the list is what the page waits for, and the first one is asked while React loads.
    queryFn: ({ pageParam }) => trpcClient.schedules.list.query({ ...input, cursor: pageParam }, { context: { unbatched: true } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.next_cursor ?? undefined,
  });
}
