import { Counter, type Histogram, type Registry } from "prom-client";
import { createProcessRegistry, secondsHistogram } from "./process-registry.js";

/** Prometheus metrics of the api process, served at /metrics. */
export interface ApiMetrics {
  registry: Registry;
  requestDuration: Histogram<"procedure" | "status">;
  errors: Counter<"procedure" | "code">;
}

export function createApiMetrics(): ApiMetrics {
  const registry = createProcessRegistry();
  return {
    registry,
    requestDuration: secondsHistogram(registry, {
      name: "market_reports_api_request_duration_seconds",
      help: "API request duration by tRPC procedure (or HTTP route) and status",
      labelNames: ["procedure", "status"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    }),
    errors: new Counter({
      name: "market_reports_api_errors_total",
      help: "API errors by procedure and tRPC error code",
      labelNames: ["procedure", "code"],
      registers: [registry],
    }),
  };
}
