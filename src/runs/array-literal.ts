/**
 * Postgres array literals for bulk statements (`= ANY($1::uuid[])`, `unnest($1::timestamptz[])`).
 * pg serializes a JS array by quoting and escaping every element; for thousands of UUIDs and ISO
 * timestamps — which contain nothing that needs quoting — joining them is several times cheaper,
 * and the tick does this for every run it writes. Bound as a parameter, never spliced into SQL.
 */
export function plainArrayLiteral(values: readonly string[]): string {
  return `{${values.join(",")}}`;
}

/** Any text, NULLs included: every element quoted, with backslashes and quotes escaped. */
export function textArrayLiteral(values: readonly (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < values.length; i++) {
    if (i > 0) out += ",";
    const v = values[i];
    out += v === null ? "NULL" : `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
  }
  return out + "}";
}
