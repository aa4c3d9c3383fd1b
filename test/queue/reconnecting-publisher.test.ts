import { randomUUID } from "node:crypto";
import pino from "pino";
import { afterAll, describe, expect, it } from "vitest";
import type { JobQueue } from "../../src/queue/job-queue.js";
import { createRabbitQueue } from "../../src/queue/rabbitmq-queue.js";
import { reconnectingPublisher } from "../../src/queue/reconnecting-publisher.js";
import type { ReportJob } from "../../src/queue/report-job.js";
import { AMQP_URL, rabbitUp } from "../support/services.js";
import { openSideChannel, uniquePrefix } from "../support/rabbit-side-channel.js";

const up = await rabbitUp();

function job(): ReportJob {
  const id = randomUUID();
  return {
    v: 1,
    run_id: randomUUID(),
    schedule_id: id,
    account_id: randomUUID(),
    scheduled_for: new Date().toISOString(),
    kind: "manual",
    params: { report_type: "market_snapshot", city: "San Diego", zips: [], lookback_days: 30, filters: {}, schedule_id: id, timezone: "UTC", name: "n", recipients: ["a@example.com"], include_attachment: false },
  };
}

describe.skipIf(!up)("reconnecting publisher (the api's queue)", () => {
  const prefix = uniquePrefix("reconnect");
  const opened: JobQueue[] = [];
  afterAll(async () => {
    const side = await openSideChannel();
    await side.deleteAll(prefix).catch(() => undefined);
    await side.close();
  });

  it("opens a new connection when the old one is gone, and publishes on it", async () => {
    const publisher = reconnectingPublisher(async () => {
      const q = await createRabbitQueue({ url: AMQP_URL, prefix, logger: pino({ level: "silent" }) });
      opened.push(q);
      return q;
    });
    expect((await publisher.publish([job()])).confirmed).toHaveLength(1);
    await opened[0]!.close();
    const after = await publisher.publish([job()]);
    expect(after.failed).toEqual([]);
    expect(after.confirmed).toHaveLength(1);
    expect(opened).toHaveLength(2);
    await publisher.close();
  });

  it("reports jobs as unpublished (not an exception) while the broker is unreachable", async () => {
    const publisher = reconnectingPublisher(() => createRabbitQueue({ url: "amqp://guest:guest@127.0.0.1:1", prefix, logger: pino({ level: "silent" }) }));
    const outcome = await publisher.publish([job()]);
    expect(outcome.confirmed).toEqual([]);
    expect(outcome.failed).toHaveLength(1);
    expect(outcome.failed[0]!.permanent).toBe(false);
  });
});
