import type { Kysely } from "kysely";
import { DateTime } from "luxon";
import type { Database } from "../../../src/db/database.js";
import { REPORT_TYPES } from "../../../src/figures/report-types.js";
import { SAMPLE_METROS } from "../../../src/listings/sample-market.js";

export interface SeedOptions {
  accounts: number;
  schedules: number;
  /** A fixed number of recipients per schedule; default 1–5, varying. */
  recipientsPerSchedule?: number;
  /** Every n-th schedule has its first recipient on the suppression list (0: none). Default 7. */
  suppressEvery?: number;
  /** Every n-th schedule sends the PDF as an attachment too (0: none). Default 10. */
  attachEvery?: number;
}

export interface SeededSchedule {
  id: string;
  index: number;
  accountId: string;
  /** The slot it is due for: the one run the tick must write for it. */
  slot: Date;
  city: string;
  zips: string[];
  recipients: string[];
  /** Recipients on the account's suppression list before the run. */
  suppressed: Set<string>;
}

export interface Seed {
  accountIds: string[];
  schedules: SeededSchedule[];
  byId: Map<string, SeededSchedule>;
  slot: Date;
  /** (schedule, recipient) pairs that must each receive exactly one email. */
  expectedEmails: number;
}

const ZONES: Record<string, string> = { "San Diego": "America/Los_Angeles", Houston: "America/Chicago" };
const LOOKBACKS = [30, 7, 14, 90];

/** The address of recipient j of schedule i: unique per schedule, so every email names its run. */
export function recipientAddress(i: number, j: number): string {
  return `s${i}r${j}@e2e.test`;
}

/**
 * Accounts and schedules due now, inserted as the database owner in a few multi-row statements.
 * Every schedule is daily at the local wall time of one slot a minute ago, so the tick's next slot
 * for each is a day away and nothing becomes due twice during a scenario. Areas are San Diego and
 * Houston with their real ZIPs (the sample market, or the fake SimplyRETS serving it).
 */
export async function seedSchedules(db: Kysely<Database>, options: SeedOptions): Promise<Seed> {
  const suppressEvery = options.suppressEvery ?? 7;
  const attachEvery = options.attachEvery ?? 10;
  const slot = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000);

  const accounts = await db
    .insertInto("accounts")
    .values(Array.from({ length: options.accounts }, (_, i) => ({ name: `E2E Realty ${i + 1}` })))
    .returning("id")
    .execute();
  const accountIds = accounts.map((a) => a.id);
  const metros = SAMPLE_METROS.filter((m) => m.city in ZONES);

  const planned = Array.from({ length: options.schedules }, (_, i) => {
    const metro = metros[i % metros.length];
    const zipCount = 1 + (i % 3 === 0 ? 1 : 0);
    const zips = Array.from({ length: zipCount }, (_, k) => metro.zips[(i * 7 + k * 3) % metro.zips.length].zip);
    const recipientCount = options.recipientsPerSchedule ?? 1 + ((i * 37) % 5);
    const recipients = Array.from({ length: recipientCount }, (_, j) => recipientAddress(i, j));
    const zone = ZONES[metro.city];
    const local = DateTime.fromJSDate(slot, { zone });
    return {
      index: i,
      accountId: accountIds[i % accountIds.length],
      city: metro.city,
      zips: [...new Set(zips)],
      recipients,
      suppressed: new Set(suppressEvery > 0 && i % suppressEvery === 0 ? [recipients[0]] : []),
      row: {
        account_id: accountIds[i % accountIds.length],
        name: `E2E schedule ${i}`,
        report_type: REPORT_TYPES[i % REPORT_TYPES.length],
        city: metro.city,
        zip_codes: [...new Set(zips)],
        lookback_days: LOOKBACKS[i % LOOKBACKS.length],
        cadence: "daily" as const,
        send_hour: local.hour,
        send_minute: local.minute,
        timezone: zone,
        recipients,
        include_attachment: attachEvery > 0 && i % attachEvery === 3,
        filters: "{}",
        active: true,
        next_run_at: slot,
      },
    };
  });

  const schedules: SeededSchedule[] = [];
  for (let start = 0; start < planned.length; start += 500) {
    const chunk = planned.slice(start, start + 500);
    const ids = await db
      .insertInto("schedules")
      .values(chunk.map((p) => p.row))
      .returning("id")
      .execute();
    chunk.forEach((p, k) => {
      schedules.push({ id: ids[k].id, index: p.index, accountId: p.accountId, slot, city: p.city, zips: p.zips, recipients: p.recipients, suppressed: p.suppressed });
    });
  }

  const suppressions = schedules.flatMap((s) => [...s.suppressed].map((email) => ({ account_id: s.accountId, email, reason: "e2e: suppressed before the run" })));
  for (let start = 0; start < suppressions.length; start += 1_000) {
    await db.insertInto("email_suppressions").values(suppressions.slice(start, start + 1_000)).execute();
  }

  return {
    accountIds,
    schedules,
    byId: new Map(schedules.map((s) => [s.id, s])),
    slot,
    expectedEmails: schedules.reduce((n, s) => n + s.recipients.length - s.suppressed.size, 0),
  };
}
