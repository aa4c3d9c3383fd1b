import { QueryClient } from "@tanstack/react-query";
import { createTRPCClient, httpBatchLink, httpLink, splitLink, TRPCClientError } from "@trpc/client";
import { createTRPCContext, createTRPCOptionsProxy } from "@trpc/tanstack-react-query";
import type { AppRouter } from "../../src/api/router.js";

/** Typed end to end by the server's AppRouter: no API type is written by hand here. */
export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

export const trpcClient = createTRPCClient<AppRouter>({
  // Same origin: the session cookie goes along; no key ever lives in the page.
  links: [
    // The batch link sends once the current task ends, which while the app loads is all of its
    // start-up; a request asked with { context: { unbatched: true } } goes out at once instead.
    splitLink({
      condition: (op) => op.context.unbatched === true,
      true: httpLink({ url: "/trpc" }),
      false: httpBatchLink({ url: "/trpc", maxItems: 10 }),
    }),
  ],
});

export function isUnauthorized(error: unknown): boolean {
  return error instanceof TRPCClientError && error.data?.code === "UNAUTHORIZED";
}

export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (failures, error) => !isUnauthorized(error) && failures < 2,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

/** The same options as useTRPC() gives components, for requests started before React has loaded. */
export const trpc = createTRPCOptionsProxy<AppRouter>({ client: trpcClient, queryClient });

export interface FieldIssue {
  path: string;
  message: string;
}

/** The API's message, with its request id for server errors, and the per-field issues if any. */
export function describeError(error: unknown): { message: string; issues: FieldIssue[] } {
  if (error instanceof TRPCClientError) {
    const issues = (error.data?.issues ?? []) as FieldIssue[];
    return { message: error.message, issues };
  }
  return { message: error instanceof Error ? error.message : String(error), issues: [] };
}

export const SESSION_KEY = ["session"] as const;

/** Who is signed in, asked once a minute at most; null when no one is. */
export const sessionQuery = { queryKey: SESSION_KEY, queryFn: currentSession, staleTime: 60_000 };

export interface SignedIn {
  account_id: string;
  account_name: string;
}

async function sessionRequest(method: "GET" | "POST" | "DELETE", body?: unknown): Promise<Response> {
  return fetch("/auth/session", {
    method,
    credentials: "same-origin",
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

export async function currentSession(): Promise<SignedIn | null> {
  const res = await sessionRequest("GET");
  if (res.status === 401) return null;
  if (!res.ok) throw new Error(`Could not check the session (HTTP ${res.status})`);
  return (await res.json()) as SignedIn;
}

export async function signIn(apiKey: string): Promise<SignedIn> {
  const res = await sessionRequest("POST", { api_key: apiKey });
  const body = (await res.json().catch(() => ({}))) as { message?: string } & Partial<SignedIn>;
  if (!res.ok) throw new Error(body.message ?? `Sign-in failed (HTTP ${res.status})`);
  return body as SignedIn;
}

export async function signOut(): Promise<void> {
  await sessionRequest("DELETE");
}
