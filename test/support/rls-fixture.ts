import type { Kysely } from "kysely";
import { createAccount } from "../../src/accounts/account.repository.js";
import type { Database } from "../../src/db/database.js";

export const TENANT_TABLES = ["api_keys", "schedules", "schedule_runs", "report_runs", "email_log", "email_suppressions", "sessions"] as const;

export interface TwoAccounts {
  a: string;
  b: string;
  scheduleA: string;
  scheduleB: string;
}

/** Two accounts with one row of theirs in every tenant table (inserted as the owner). */
export async function seedTwoAccounts(db: Kysely<Database>): Promise<TwoAccounts> {
  const a = (await createAccount(db, "A")).account.id;
  const b = (await createAccount(db, "B")).account.id;
  const ids: Record<string, string> = {};
  for (const [account, label] of [
    [a, "A"],
    [b, "B"],
  ] as const) {
    const schedule = await db
      .insertInto("schedules")
      .values({ account_id: account, name: `${label} schedule`, report_type: "market_snapshot", city: "San Diego", cadence: "daily", recipients: ["x@example.com"], filters: "{}" })
      .returning("id")
      .executeTakeFirstOrThrow();
    ids[label] = schedule.id;
    const run = await db.insertInto("schedule_runs").values({ account_id: account, schedule_id: schedule.id, scheduled_for: new Date(), params: "{}" }).returning("id").executeTakeFirstOrThrow();
    const report = await db.insertInto("report_runs").values({ account_id: account, schedule_id: schedule.id, schedule_run_id: run.id, report_type: "market_snapshot", params: "{}" }).returning("id").executeTakeFirstOrThrow();
    await db.insertInto("email_log").values({ account_id: account, schedule_id: schedule.id, run_id: run.id, report_id: report.id, to_emails: ["x@example.com"], status: "sent" }).execute();
    await db.insertInto("email_suppressions").values({ account_id: account, email: `${label.toLowerCase()}@example.com` }).execute();
    const key = await db.selectFrom("api_keys").select("id").where("account_id", "=", account).executeTakeFirstOrThrow();
    await db
      .insertInto("sessions")
      .values({ account_id: account, api_key_id: key.id, token_hash: label.toLowerCase().repeat(64), idle_expires_at: new Date(Date.now() + 3_600_000), expires_at: new Date(Date.now() + 7_200_000) })
      .execute();
  }
  return { a, b, scheduleA: ids.A!, scheduleB: ids.B! };
}
