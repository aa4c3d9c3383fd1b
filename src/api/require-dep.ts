import type { AppDeps } from "./app-deps.js";
import type { JobQueue } from "../queue/job-queue.js";
import type { ObjectStore } from "../storage/object-store.js";

/** A process built without a queue or store cannot serve the procedures that need one. */
export function requireQueue(deps: AppDeps): JobQueue {
  if (!deps.queue) throw new Error("this process has no job queue configured");
  return deps.queue;
}

export function requireStore(deps: AppDeps): ObjectStore {
  if (!deps.store) throw new Error("this process has no report storage configured");
  return deps.store;
}
