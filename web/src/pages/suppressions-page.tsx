import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { describeError, trpcClient, useTRPC } from "../api.js";
import { ErrorText, Page } from "../components/page.js";
import { inViewerZone } from "../schedule-words.js";

export function SuppressionsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const list = useInfiniteQuery({
    queryKey: [...trpc.suppressions.list.pathKey(), "pages"],
    queryFn: ({ pageParam }) => trpcClient.suppressions.list.query({ limit: 100, cursor: pageParam }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (p) => p.next_cursor ?? undefined,
  });
  const [email, setEmail] = useState("");
  const [reason, setReason] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const invalidate = () => queryClient.invalidateQueries({ queryKey: trpc.suppressions.list.pathKey() });
  const add = useMutation(trpc.suppressions.add.mutationOptions({ onSuccess: invalidate }));
  const remove = useMutation(trpc.suppressions.remove.mutationOptions({ onSuccess: invalidate }));

  async function onAdd(e: FormEvent) {
    e.preventDefault();
    setError(null);
    setNotice(null);
    try {
      await add.mutateAsync({ email, reason: reason.trim() || undefined });
      setNotice(`${email.trim().toLowerCase()} will not be emailed.`);
      setEmail("");
      setReason("");
    } catch (err) {
      const { message, issues } = describeError(err);
      setError(issues.map((i) => i.message).join("; ") || message);
    }
  }

  const rows = list.data?.pages.flatMap((p) => p.suppressions) ?? [];
  return (
    <Page title="Suppressions">
      <p className="hint">Addresses on this list are never emailed by any schedule. People who unsubscribe are added here.</p>
      <form className="inline-form" onSubmit={onAdd} noValidate>
        <div className="field">
          <label htmlFor="suppress-email">Email address</label>
          <input
            id="suppress-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? "suppress-error" : undefined}
          />
          {error ? (
            <p id="suppress-error" role="alert" className="field-error">
              {error}
            </p>
          ) : null}
        </div>
        <div className="field">
          <label htmlFor="suppress-reason">Reason (optional)</label>
          <input id="suppress-reason" type="text" value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <button type="submit" disabled={add.isPending}>
          Suppress
        </button>
      </form>
      <div aria-live="polite">{notice ? <p className="notice" role="status">{notice}</p> : null}</div>
      {list.isPending ? <p className="loading">Loading…</p> : null}
      {list.isError ? <ErrorText error={list.error} /> : null}
      {list.isSuccess && rows.length === 0 ? <p className="empty">Nobody is suppressed.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Suppressed addresses">
          <table>
            <thead>
              <tr>
                <th scope="col">Email</th>
                <th scope="col">Reason</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((s) => (
                <tr key={s.email}>
                  <td>{s.email}</td>
                  <td>{s.reason ?? ""}</td>
                  <td title={inViewerZone(s.created_at)}>{new Date(s.created_at).toISOString().slice(0, 10)} (UTC)</td>
                  <td>
                    <button type="button" className="secondary small" aria-label={`Remove ${s.email}`} onClick={() => remove.mutate({ email: s.email })}>
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => list.fetchNextPage()}>
          Load more
        </button>
      ) : null}
    </Page>
  );
}
