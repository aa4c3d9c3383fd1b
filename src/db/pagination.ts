import { sql, type SelectQueryBuilder } from "kysely";
import * as z from "zod";
import { AppError } from "../errors/app-error.js";
import { typeRule } from "../validation/field-rules.js";
import { isUuid } from "../validation/uuid.js";

/**
 * Opaque keyset cursors: base64url of "<created_at ISO>|<id>". Lists order newest first by
 * (created_at, id), so a page boundary is stable while rows are added.
 */
export interface PageCursor {
  createdAt: Date;
  id: string;
}

export const cursorInput = z.string(typeRule("must be a cursor string from a previous page")).max(200, "must be a cursor string from a previous page").nullish();

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(`${new Date(row.created_at).toISOString()}|${row.id}`).toString("base64url");
}

/**
 * Exactly what encodeCursor writes: a millisecond UTC timestamp within Postgres' range for our
 * rows (years 0001 to 9999) and a UUID. Anything else is a forged or damaged cursor and is
 * rejected here, before it can reach the database as an out-of-range date or a non-UUID.
 */
const CURSOR_TIME = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function decodeCursor(cursor: string | null | undefined): PageCursor | undefined {
  if (cursor === undefined || cursor === null) return undefined;
  const parts = Buffer.from(cursor, "base64url").toString("utf8").split("|");
  const [iso = "", id = ""] = parts;
  const createdAt = new Date(iso);
  const wellFormed = parts.length === 2 && CURSOR_TIME.test(iso) && isUuid(id);
  if (!wellFormed || Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== iso) {
    throw new AppError("BAD_REQUEST", "cursor: is not a cursor this API returned", "cursor");
  }
  return { createdAt, id };
}

/** Given limit+1 fetched rows, the page and the cursor for the next one. */
export function pageOf<T extends { created_at: Date; id: string }>(rows: T[], limit: number): { page: T[]; next_cursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { page, next_cursor: rows.length > limit && last ? encodeCursor(last) : null };
}

/**
 * One page of a list ordered newest first by (created_at, id), continuing after `cursor`: the
 * keyset rule every list procedure shares. Fetches one row more than asked to know whether
 * another page follows.
 */
export async function newestFirstPage<DB, TB extends keyof DB, O extends { created_at: Date; id: string }>(
  query: SelectQueryBuilder<DB, TB, O>,
  cursor: string | null | undefined,
  limit: number,
): Promise<{ page: O[]; next_cursor: string | null }> {
  const after = decodeCursor(cursor);
  const scoped = after ? query.where(sql<boolean>`(created_at, id) < (${after.createdAt}, ${after.id}::uuid)`) : query;
  const rows = await scoped.orderBy(sql`created_at desc, id desc`).limit(limit + 1).execute();
  return pageOf(rows, limit);
}
