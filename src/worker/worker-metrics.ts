import { Counter, Gauge, type Histogram, type Registry } from "prom-client";
import { createProcessRegistry, secondsHistogram } from "../metrics/process-registry.js";

/** Prometheus metrics of a worker process, served at /metrics on WORKER_HEALTH_PORT. */
export interface WorkerMetrics {
  registry: Registry;
  jobs: Counter<"report_type" | "outcome">;
  duration: Histogram<"report_type" | "outcome">;
  /** Seconds per stage of a job (see job-timings.ts); email stages once per message. */
  stageDuration: Histogram<"stage">;
  inFlight: Gauge;
  browserRestarts: Gauge;
}

export function createWorkerMetrics(): WorkerMetrics {
  const registry = createProcessRegistry();
  return {
    registry,
    jobs: new Counter({ name: "market_reports_worker_jobs_total", help: "Report jobs handled, by report type and outcome", labelNames: ["report_type", "outcome"], registers: [registry] }),
    duration: secondsHistogram(registry, {
      name: "market_reports_worker_job_duration_seconds",
      help: "Report job duration, by report type and outcome",
      labelNames: ["report_type", "outcome"],
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
    }),
    stageDuration: secondsHistogram(registry, {
      name: "market_reports_worker_stage_duration_seconds",
      help: "Time spent in each stage of a report job (queue_wait, start_run, listings, figures, html, pdf, upload, report_row, email_wait, email_handover, email_claim, email_send, email_record, email_window, finish_run)",
      labelNames: ["stage"],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    }),
    inFlight: new Gauge({ name: "market_reports_worker_jobs_in_flight", help: "Report jobs being handled now", registers: [registry] }),
    browserRestarts: new Gauge({ name: "market_reports_worker_browser_restarts", help: "Chromium restarts since the worker started", registers: [registry] }),
  };
}
