/**
 * The closed sets stored in text columns, written once: zod inputs, TypeScript types, DTOs and the
 * migrations' CHECK constraints (test/db/enums.test.ts holds the SQL to these lists) all use them.
 */
export const CADENCES = ["daily", "weekly", "monthly"] as const;
export type Cadence = (typeof CADENCES)[number];

export const RUN_KINDS = ["scheduled", "manual", "test"] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ["pending", "queued", "running", "completed", "partial", "failed", "skipped"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINAL_RUN_STATUSES = ["completed", "partial", "failed", "skipped"] as const satisfies readonly RunStatus[];
export type FinalRunStatus = (typeof FINAL_RUN_STATUSES)[number];

export const REPORT_RUN_STATUSES = ["completed", "failed"] as const;
export type ReportRunStatus = (typeof REPORT_RUN_STATUSES)[number];

export const EMAIL_STATUSES = ["sending", "sent", "failed", "suppressed"] as const;
export type EmailStatus = (typeof EMAIL_STATUSES)[number];

export function isFinalRunStatus(status: RunStatus): status is FinalRunStatus {
  return (FINAL_RUN_STATUSES as readonly RunStatus[]).includes(status);
}
