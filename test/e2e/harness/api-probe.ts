import { sql } from "kysely";
import { createAccount } from "../../../src/accounts/account.repository.js";
import type { E2eSystem } from "./e2e-system.js";

/**
 * A schedule of its own (not due, one recipient) in an account with an API key, to ask the `api`
 * process for a manual run (`schedules.runNow`) after a fault: the API's own path to the broker
 * and the database, checked apart from the seeded schedules.
 */
export interface ApiProbe {
  scheduleId: string;
  recipient: string;
  /** The run's id and the status the API answered with: `queued`, or `pending` when it could not publish. */
  runNow(): Promise<{ runId: string; status: string }>;
  /** What became of a probe run: its final status, its email rows and what the SMTP server got. */
  outcome(runId: string): Promise<{ status: string; sentRows: number; received: number }>;
}

export async function prepareApiProbe(system: E2eSystem): Promise<ApiProbe> {
  const { account, apiKey } = await createAccount(system.db, "E2E API probe");
  const recipient = "api-probe@e2e.test";
  const schedule = await system.db
    .insertInto("schedules")
    .values({
      account_id: account.id,
      name: "E2E API probe",
      report_type: "market_snapshot",
      city: "San Diego",
      zip_codes: ["92101"],
      cadence: "daily",
      send_hour: 9,
      send_minute: 0,
      timezone: "UTC",
      recipients: [recipient],
      filters: "{}",
      next_run_at: new Date(Date.now() + 86_400_000),
    })
    .returning("id")
    .executeTakeFirstOrThrow();

  return {
    scheduleId: schedule.id,
    recipient,
    async runNow() {
      const res = await fetch(`${system.apiUrl}/trpc/schedules.runNow`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ id: schedule.id }),
      });
      const body = (await res.json()) as { result?: { data?: { id: string; status: string } }; error?: unknown };
      if (!res.ok || !body.result?.data) throw new Error(`schedules.runNow answered ${res.status}: ${JSON.stringify(body.error ?? body)}`);
      return { runId: body.result.data.id, status: body.result.data.status };
    },
    async outcome(runId) {
      const run = await sql<{ status: string }>`SELECT status FROM schedule_runs WHERE id = ${runId}`.execute(system.db);
      const rows = await sql<{ n: number }>`SELECT count(*)::int AS n FROM email_log WHERE run_id = ${runId} AND status = 'sent'`.execute(system.db);
      return {
        status: run.rows[0]?.status ?? "missing",
        sentRows: rows.rows[0].n,
        received: system.smtp.received.filter((m) => m.to.includes(recipient)).length,
      };
    },
  };
}
