import type { JobQueue, PublishOptions, PublishOutcome } from "./job-queue.js";
import type { ReportJob } from "./report-job.js";

/**
 * For a long-lived process that only publishes (the api): when the broker has dropped the
 * connection, the next publish opens a new one instead of failing for the life of the process.
 * Failed runs were already written `pending`, so the tick republishes whatever this cannot.
 */
export function reconnectingPublisher(open: () => Promise<JobQueue>): JobQueue {
  let current: Promise<JobQueue> | undefined;
  const connect = () => (current ??= open().catch((error: unknown) => {
    current = undefined;
    throw error;
  }));
  const unpublished = (jobs: ReportJob[], reason: string): PublishOutcome => ({
    confirmed: [],
    failed: jobs.map((j) => ({ runId: j.run_id, reason, permanent: false })),
  });
  const attempt = async (jobs: ReportJob[], options?: PublishOptions): Promise<PublishOutcome> => {
    try {
      return await (await connect()).publish(jobs, options);
    } catch (error) {
      return unpublished(jobs, error instanceof Error ? error.message : String(error));
    }
  };
  return {
    async publish(jobs, options) {
      const outcome = await attempt(jobs, options);
      const brokerTrouble = outcome.confirmed.length === 0 && outcome.failed.length > 0 && outcome.failed.every((f) => !f.permanent);
      if (!brokerTrouble) return outcome;
      const stale = current;
      current = undefined;
      await stale?.then((q) => q.close()).catch(() => undefined);
      return attempt(jobs, options);
    },
    async consume(handler, options) {
      return (await connect()).consume(handler, options);
    },
    async close() {
      await current?.then((q) => q.close()).catch(() => undefined);
    },
  };
}
