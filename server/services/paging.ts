// Keyset paging for newest-first lists (runs, audit events): the cursor names the last row shown by its time and id,
// so the next page is right even if that row was deleted meanwhile (retention prunes runs between page loads).
import { AppError } from "../errors";

export function encodeCursor(at: Date, id: string): string {
  return `${at.toISOString()}_${id}`;
}

/** The `where` part that selects the rows after the cursor in (time desc, id desc) order. */
export function afterCursor<K extends string>(cursor: string | undefined, timeField: K) {
  if (!cursor) return {};
  const split = cursor.indexOf("_");
  const at = new Date(cursor.slice(0, split));
  const id = cursor.slice(split + 1);
  if (split < 0 || Number.isNaN(at.getTime()) || !id) throw new AppError("BAD_REQUEST", "That page cursor is not valid; reload the list.", "cursor");
  return { OR: [{ [timeField]: { lt: at } }, { [timeField]: at, id: { lt: id } }] } as { OR: Array<Record<string, unknown>> };
}
