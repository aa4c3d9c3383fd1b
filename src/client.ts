import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { MAX_BATCH_ITEMS } from "./api/batch-limit.js";
import type { AppRouter } from "./api/router.js";

export type { AppRouter };

/**
 * A typed client for brokerages' own apps and scripts:
 *   const api = createClient({ url: "https://reports.example.com/trpc", apiKey });
 *   const { schedules } = await api.schedules.list.query({ active_only: true });
 */
export function createClient(options: { url: string; apiKey?: string; fetch?: typeof fetch }) {
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: options.url,
        // The server refuses larger batches; long GET batches go as several requests.
        maxItems: MAX_BATCH_ITEMS,
        maxURLLength: 8_000,
        fetch: options.fetch,
        headers: () => (options.apiKey ? { Authorization: `Bearer ${options.apiKey}` } : {}),
      }),
    ],
  });
}

export type MarketReportsClient = ReturnType<typeof createClient>;
