/**
 * Text bound for a header or a subject on one line: control characters (CR/LF would inject
 * headers) and runs of whitespace become single spaces.
 */
export function oneLine(value: string): string {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point here
  return value.replace(/[\x00-\x1f\x7f]+/g, " ").replace(/\s+/g, " ").trim();
}
