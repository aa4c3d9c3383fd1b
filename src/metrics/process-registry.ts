import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

/** A process's own registry, holding Node's default metrics (CPU, memory, event loop lag). */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

/** A histogram of durations in seconds, registered in `registry` only. */
export function secondsHistogram<L extends string>(
  registry: Registry,
  metric: { name: string; help: string; labelNames: readonly L[]; buckets: number[] },
): Histogram<L> {
  return new Histogram({ ...metric, registers: [registry] });
}
