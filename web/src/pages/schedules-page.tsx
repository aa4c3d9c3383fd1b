import { useInfiniteQuery, useMutation, useQueryClient, type InfiniteData } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { describeError, trpcClient, useTRPC } from "../api.js";
import { ErrorText, Page } from "../components/page.js";
import { rowLink } from "../components/row-link.js";
import { REPORT_TYPE_LABELS } from "../report-type-labels.js";
import { cadenceInWords, inViewerZone, inZone, relativeTime } from "../schedule-words.js";
import { useDebounced } from "../use-debounced.js";
import { schedulesListQuery, type StatusFilter } from "./schedules-list-query.js";

type ListPages = InfiniteData<Awaited<ReturnType<typeof trpcClient.schedules.list.query>>, string | undefined>;

export function SchedulesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<StatusFilter>("all");
  const [search, setSearch] = useState("");
  const nameContains = useDebounced(search.trim());
  const [overrides, setOverrides] = useState<Record<string, boolean>>({});
  const [toggleError, setToggleError] = useState<string | null>(null);

  const list = useInfiniteQuery(schedulesListQuery(status, nameContains));

  // The switch flips at once; a failure flips it back and says why.
  const setActive = useMutation(
    trpc.schedules.update.mutationOptions({
      onMutate: ({ id, active }) => {
        setToggleError(null);
        setOverrides((o) => ({ ...o, [id]: active! }));
      },
      onError: (error, { id }) => {
        setOverrides(({ [id]: _dropped, ...rest }) => rest);
        setToggleError(`Could not change the schedule: ${describeError(error).message}`);
      },
      onSuccess: async (updated, { id }) => {
        // Every cached list (each filter and search) gets the answer at once, so none shows the
        // old state while it refetches (switching filters back would otherwise flash it).
        queryClient.setQueriesData<ListPages>({ queryKey: trpc.schedules.list.pathKey() }, (old) =>
          old
            ? { ...old, pages: old.pages.map((p) => ({ ...p, schedules: p.schedules.map((s) => (s.id === id ? { ...s, ...updated } : s)) })) }
            : old,
        );
        setOverrides(({ [id]: _dropped, ...rest }) => rest);
        await queryClient.invalidateQueries({ queryKey: trpc.schedules.list.pathKey() });
      },
    }),
  );

  const schedules = list.data?.pages.flatMap((p) => p.schedules) ?? [];
  const filtering = status !== "all" || nameContains !== "";

  return (
    <Page
      title="Schedules"
      actions={
        <Link href="/schedules/new" className="button">
          New schedule
        </Link>
      }
    >
      <div className="filters" role="search">
        <div className="field inline">
          <label htmlFor="status-filter">Show</label>
          <select id="status-filter" value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)}>
            <option value="all">All</option>
            <option value="active">Active</option>
            <option value="paused">Paused</option>
          </select>
        </div>
        <div className="field inline grow">
          <label htmlFor="search">Search by name</label>
          <input id="search" type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <ErrorText error={toggleError} />
      {list.isPending ? <p className="loading">Loading schedules…</p> : null}
      {list.isError ? <ErrorText error={list.error} /> : null}
      {list.isSuccess && schedules.length === 0 ? (
        <div className="empty">
          {filtering ? (
            <p>No schedule matches these filters.</p>
          ) : (
            <>
              <p>No schedules yet. A schedule sends a market report to your clients on a cadence you choose.</p>
              <Link href="/schedules/new" className="button">
                New schedule
              </Link>
            </>
          )}
        </div>
      ) : null}
      {schedules.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Schedules table">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Report</th>
                <th scope="col">Area</th>
                <th scope="col">Cadence</th>
                <th scope="col">Recipients</th>
                <th scope="col">Active</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
              </tr>
            </thead>
            <tbody>
              {schedules.map((s) => {
                const active = overrides[s.id] ?? s.active;
                return (
                  <tr key={s.id}>
                    <td>
                      {rowLink(`/schedules/${s.id}`, s.name)}
                      <br />
                      {rowLink(`/schedules/${s.id}/runs`, "Runs", "small")}
                    </td>
                    <td>{REPORT_TYPE_LABELS[s.report_type as keyof typeof REPORT_TYPE_LABELS] ?? s.report_type}</td>
                    <td>{[s.city, s.zip_codes.join(", ")].filter(Boolean).join(" · ")}</td>
                    <td>{cadenceInWords(s)}</td>
                    <td>{s.recipients.length}</td>
                    <td>
                      <button
                        type="button"
                        role="switch"
                        className={`switch ${active ? "on" : "off"}`}
                        aria-checked={active}
                        aria-label={`Active: ${s.name}`}
                        onClick={() => setActive.mutate({ id: s.id, active: !active })}
                      >
                        {active ? "Active" : "Paused"}
                      </button>
                    </td>
                    <td>{lastRun(s.last_run)}</td>
                    <td>
                      {s.next_run_at && active ? (
                        <span title={inViewerZone(s.next_run_at)}>{inZone(s.next_run_at, s.timezone)}</span>
                      ) : (
                        "—"
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
      {list.hasNextPage ? (
        <button type="button" className="secondary" onClick={() => list.fetchNextPage()} disabled={list.isFetchingNextPage}>
          {list.isFetchingNextPage ? "Loading…" : "Load more"}
        </button>
      ) : null}
    </Page>
  );
}

/**
 * The newest run's status (as text, coloured too) and when it finished, or was due if still going.
 * A plain function, as rowLink is, not a component: 200 rows of component fibers were a good part
 * of the list's first render.
 */
function lastRun(r: { kind: string; status: string; scheduled_for: string; finished_at: string | null } | null) {
  if (!r) return "Never";
  const at = r.finished_at ?? r.scheduled_for;
  return [
    <span key="status" className={`status status-${r.status}`}>
      {r.status}
    </span>,
    r.kind === "scheduled" ? null : <span key="kind" className="hint">{` (${r.kind})`}</span>,
    <br key="br" />,
    <span key="at" title={inViewerZone(at)}>
      {relativeTime(at)}
    </span>,
  ];
}
