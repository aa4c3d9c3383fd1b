import type { z } from "zod";

export interface FieldIssue {
  /** Dotted path of the field, e.g. "recipients.2". */
  path: string;
  /** "recipients[2]: must be a valid email address" — the field, then the rule. */
  message: string;
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    "",
  );
  // A nested object's unknown key is named with its path: "filters.colour".
  if (issue.code === "unrecognized_keys") return issue.keys.map((k) => `${field ? `${field}.` : ""}${k}: is not a known field`).join("; ");
  return field ? `${field}: ${issue.message}` : issue.message;
}

export function fieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: describeIssue(i) }));
}
