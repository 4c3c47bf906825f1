import type { Db } from "../db/client";

export interface Person {
  name: string;
  email: string;
}

/** Names and emails for the user ids that versions, audit events and keys record (one query for a whole page). */
export async function peopleById(db: Db, ids: Array<string | null | undefined>): Promise<Map<string, Person>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (!wanted.length) return new Map();
  const users = await db.user.findMany({ where: { id: { in: wanted } }, select: { id: true, name: true, email: true } });
  return new Map(users.map((u) => [u.id, { name: u.name, email: u.email }]));
}
