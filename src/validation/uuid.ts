/**
 * Whether a string is a UUID in its textual form (any version, either case): what every id of
 * ours looks like. The one check for ids that arrive as text outside zod (links, cursors, the
 * tenant's setting, a failed publish's run id).
 */
export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
