export type ReportFileExtension = "pdf" | "html";

const ID = /^[A-Za-z0-9-]+$/;

/** `reports/<account>/<schedule>/<run>.<ext>`: one run's files side by side, grouped per account. */
export function reportObjectKey(accountId: string, scheduleId: string, runId: string, ext: ReportFileExtension): string {
  for (const [field, value] of [
    ["accountId", accountId],
    ["scheduleId", scheduleId],
    ["runId", runId],
  ] as const) {
    if (!ID.test(value)) throw new RangeError(`${field} must contain only letters, digits and '-', got ${JSON.stringify(value)}`);
  }
  if (ext !== "pdf" && ext !== "html") throw new RangeError(`ext must be "pdf" or "html", got ${JSON.stringify(ext)}`);
  return `reports/${accountId}/${scheduleId}/${runId}.${ext}`;
}
