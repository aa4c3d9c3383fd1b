/**
 * Where one report job's time goes, stage by stage. The worker logs the totals with the job's
 * final line and feeds every measurement to a Prometheus histogram, so an operator can tell a
 * slow relay from a slow renderer without a profiler.
 */
export const JOB_STAGES = [
  /** From the broker confirming the job (the run's queued_at) to the worker taking it; first attempts only. */
  "queue_wait",
  /** The run marked running, with the suppressions and any report a retry can reuse read in the same transaction. */
  "start_run",
  "listings",
  "figures",
  "html",
  /** A turn at Chromium (the worker holds twice as many jobs as it prints at once), then the print. */
  "pdf",
  /** The report stored: its PDF (its HTML where no Chromium made a PDF). */
  "upload",
  /** The report_runs row and its link from the run. */
  "report_row",
  /** Waiting for a free SMTP connection before a recipient is claimed; nothing is claimed while waiting. */
  "email_wait",
  /** The relay handed the message, all but its end (MAIL FROM, RCPT TO, DATA, the body); nothing claimed yet. */
  "email_handover",
  /** A recipient's email_log row claimed: one statement, once the relay has all but the message's end. */
  "email_claim",
  /** From the message's end let go (its claim committed) to the relay's answer. */
  "email_send",
  /** A recipient's outcome recorded: one statement on the claim's session when it was sent. */
  "email_record",
  /** Claim committed → outcome recorded, email_send plus email_record: the window a killed worker leaves unknown. */
  "email_window",
  /** The final status written. */
  "finish_run",
] as const;

export type JobStage = (typeof JOB_STAGES)[number];

/** Stages that are round trips to Postgres, summed as `db` in the job's log line. */
const DB_STAGES: readonly JobStage[] = ["start_run", "report_row", "email_claim", "email_record", "finish_run"];

export interface JobTimings {
  /** Runs `fn` and charges its wall time to `stage` (also when it throws). */
  time<T>(stage: JobStage, fn: () => Promise<T>): Promise<T>;
  timeSync<T>(stage: JobStage, fn: () => T): T;
  record(stage: JobStage, ms: number): void;
  /** Milliseconds per stage (summed over repeats such as one per email), the Postgres share, and the total so far. */
  summary(): { stages: Partial<Record<JobStage, number>>; db: number; total: number; emails: number[] };
}

export function startJobTimings(observe?: (stage: JobStage, seconds: number) => void): JobTimings {
  const began = performance.now();
  const stages: Partial<Record<JobStage, number>> = {};
  const emails: number[] = [];
  const record = (stage: JobStage, ms: number) => {
    stages[stage] = (stages[stage] ?? 0) + ms;
    if (stage === "email_send") emails.push(round(ms));
    observe?.(stage, ms / 1000);
  };
  return {
    async time(stage, fn) {
      const start = performance.now();
      try {
        return await fn();
      } finally {
        record(stage, performance.now() - start);
      }
    },
    timeSync(stage, fn) {
      const start = performance.now();
      try {
        return fn();
      } finally {
        record(stage, performance.now() - start);
      }
    },
    record,
    summary() {
      const rounded = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v)])) as Partial<Record<JobStage, number>>;
      const db = DB_STAGES.reduce((sum, s) => sum + (stages[s] ?? 0), 0);
      return { stages: rounded, db: round(db), total: round(performance.now() - began), emails };
    },
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
