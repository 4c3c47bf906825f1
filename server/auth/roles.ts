import { z } from "zod";

// SPEC §7: viewers look, editors build and publish, owners also manage members, keys and secrets.
export const roleSchema = z.enum(["viewer", "editor", "owner"]);
export type Role = z.infer<typeof roleSchema>;

const rank: Record<Role, number> = { viewer: 0, editor: 1, owner: 2 };

export function hasRole(actual: Role, minimum: Role): boolean {
  return rank[actual] >= rank[minimum];
}

export function parseRole(value: string): Role {
  const parsed = roleSchema.safeParse(value);
  // A role string outside the enum can only come from a hand-edited database: treat it as the least privilege.
  return parsed.success ? parsed.data : "viewer";
}
