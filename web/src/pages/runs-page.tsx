import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "wouter";
import { FINAL_RUN_STATUSES } from "../../../src/db/enums.js";
import { useTRPC } from "../api.js";
import { ErrorText, Page } from "../components/page.js";
import { inViewerZone, inZone } from "../schedule-words.js";

const FINAL = new Set<string>(FINAL_RUN_STATUSES);

function duration(started: string | null, finished: string | null): string {
  if (!started || !finished) return "—";
  const ms = new Date(finished).getTime() - new Date(started).getTime();
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function RunsPage(props: { id: string }) {
  const trpc = useTRPC();
  const schedule = useQuery(trpc.schedules.get.queryOptions({ id: props.id }));
  // While any run is still in flight the list refreshes itself; it stops once all are final.
  const runs = useQuery({
    ...trpc.schedules.runs.queryOptions({ id: props.id, limit: 50 }),
    refetchInterval: (query) => (query.state.data?.runs.some((r) => !FINAL.has(r.status)) ? 2_000 : false),
  });
  const [open, setOpen] = useState<string | null>(null);
  const zone = schedule.data?.timezone ?? "UTC";

  return (
    <Page title={schedule.data ? `Runs of ${schedule.data.name}` : "Runs"} actions={<Link href={`/schedules/${props.id}`} className="button secondary">Edit schedule</Link>}>
      {runs.isPending ? <p className="loading">Loading runs…</p> : null}
      {runs.isError ? <ErrorText error={runs.error} /> : null}
      {schedule.isError ? <ErrorText error={schedule.error} /> : null}
      {runs.data && runs.data.runs.length === 0 ? <p className="empty">No runs yet. Use Run now on the schedule to send one.</p> : null}
      {runs.data && runs.data.runs.some((r) => !FINAL.has(r.status)) ? (
        <p role="status" className="hint">
          A run is in progress; this list updates by itself.
        </p>
      ) : null}
      {runs.data && runs.data.runs.length > 0 ? (
        <div className="table-wrap" tabIndex={0} role="region" aria-label="Runs table">
          <table>
            <thead>
              <tr>
                <th scope="col">Scheduled for ({zone})</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Attempts</th>
                <th scope="col">Duration</th>
                <th scope="col">Error</th>
                <th scope="col">Details</th>
              </tr>
            </thead>
            <tbody>
              {runs.data.runs.map((r) => (
                <RunRows key={r.id} run={r} zone={zone} expanded={open === r.id} onToggle={() => setOpen(open === r.id ? null : r.id)} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}

type Run = {
  id: string;
  scheduled_for: string;
  kind: string;
  status: string;
  attempts: number;
  error: string | null;
  started_at: string | null;
  finished_at: string | null;
  report_run_id: string | null;
};

function RunRows(props: { run: Run; zone: string; expanded: boolean; onToggle(): void }) {
  const r = props.run;
  const detailsId = `run-${r.id}-details`;
  return (
    <>
      <tr data-run-id={r.id}>
        <td title={inViewerZone(r.scheduled_for)}>{inZone(r.scheduled_for, props.zone)}</td>
        <td>{r.kind}</td>
        <td>
          <span className={`status status-${r.status}`}>{r.status}</span>
        </td>
        <td>{r.attempts}</td>
        <td>{duration(r.started_at, r.finished_at)}</td>
        <td>{r.error ?? ""}</td>
        <td>
          <button type="button" className="secondary small" aria-expanded={props.expanded} aria-controls={detailsId} onClick={props.onToggle}>
            {props.expanded ? "Hide" : "Show"} outcomes
          </button>
        </td>
      </tr>
      {props.expanded ? (
        <tr id={detailsId} className="details">
          <td colSpan={7}>
            <RunDetails run={r} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function RunDetails(props: { run: Run }) {
  const trpc = useTRPC();
  const final = FINAL.has(props.run.status);
  const log = useQuery({
    ...trpc.email.log.queryOptions({ run_id: props.run.id, limit: 100 }),
    refetchInterval: final ? false : 2_000,
  });
  const report = useQuery({
    ...trpc.reports.get.queryOptions({ id: props.run.report_run_id ?? "" }),
    enabled: props.run.report_run_id !== null,
  });
  return (
    <div className="run-details">
      {props.run.report_run_id ? (
        report.data?.download_url ? (
          <p>
            <a href={report.data.download_url} target="_blank" rel="noopener noreferrer" className="button">
              Open report
            </a>
          </p>
        ) : report.isError ? (
          <ErrorText error={report.error} />
        ) : (
          <p className="loading">Loading report link…</p>
        )
      ) : (
        <p className="hint">No report stored for this run yet.</p>
      )}
      <h3>Email outcomes</h3>
      {log.isError ? <ErrorText error={log.error} /> : null}
      {log.data && log.data.entries.length === 0 ? <p className="hint">No email recorded for this run yet.</p> : null}
      {log.data && log.data.entries.length > 0 ? (
        <ul className="outcomes">
          {log.data.entries.map((e) => {
            const word = outcomeWord(e, final);
            return (
              <li key={e.id}>
                <span>{e.to_emails.join(", ")}</span> <span className={`status status-${word}`}>{word}</span>
                {e.response_code ? <span> (SMTP {e.response_code})</span> : null}
                {e.error ? <span className="error-text"> {e.error}</span> : null}
                {word === "deferred" ? <span className="hint"> the mail server asked to try later</span> : null}
                {word === "unknown" ? <span className="hint"> the worker stopped before the mail server answered; not sent again</span> : null}
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * A recipient's outcome in the words: a failure the relay deferred (4xx, connection
 * trouble) is "deferred"; a row still "sending" once its run is final is "unknown" (at most once:
 * it is not sent again).
 */
function outcomeWord(entry: { status: string; retryable: boolean }, runFinal: boolean): string {
  if (entry.status === "failed" && entry.retryable) return "deferred";
  if (entry.status === "sending" && runFinal) return "unknown";
  return entry.status;
}
