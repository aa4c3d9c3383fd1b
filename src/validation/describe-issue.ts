import type { z } from "zod";

export interface FieldIssue {
  /** Dotted path of the field, e.g. "recipients.2". */
  path: string;
  /** "recipients[2]: must be a valid email address" — the field, then the rule. */
  message: string;
}

/** Longest unknown key echoed back: a client's 100,000-character key must not come back whole. */
const MAX_ECHOED_KEY = 64;

/**
 * An unknown key as the error names it: JSON-escaped (a NUL, a line break or a lone surrogate is
 * shown, not sent raw into messages and logs) and cut to MAX_ECHOED_KEY characters.
 */
function echoedKey(key: string): string {
  const escaped = JSON.stringify(key).slice(1, -1);
  const plain = escaped === key ? key : `"${escaped}"`;
  return plain.length > MAX_ECHOED_KEY ? `${plain.slice(0, MAX_ECHOED_KEY)}… (${key.length} characters)` : plain;
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  const field = issue.path.reduce<string>(
    (acc, part) => (typeof part === "number" ? `${acc}[${part}]` : acc ? `${acc}.${String(part)}` : String(part)),
    "",
  );
  // A nested object's unknown key is named with its path: "filters.colour".
  if (issue.code === "unrecognized_keys") return issue.keys.map((k) => `${field ? `${field}.` : ""}${echoedKey(k)}: is not a known field`).join("; ");
  return field ? `${field}: ${issue.message}` : issue.message;
}

export function fieldIssues(issues: readonly z.core.$ZodIssue[]): FieldIssue[] {
  return issues.map((i) => ({ path: i.path.map(String).join("."), message: describeIssue(i) }));
}
