import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

describe.each(TEST_PROVIDERS)("workspaces and members on %s", (provider) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(provider);
  });
  afterAll(async () => database?.cleanup());

  it("creates a workspace whose creator is its owner, and lists it", async () => {
    const user = await createUser(database.db);
    const api = callerFor(database.db, user);
    const created = await api.workspace.create({ name: "Acme Support", slug: "acme-support" });
    expect(created).toMatchObject({ slug: "acme-support", name: "Acme Support", role: "owner" });
    expect(await api.workspace.listMine()).toEqual([created]);
    expect(await api.workspace.get({ workspace: "acme-support" })).toMatchObject({ role: "owner" });
    const audit = await database.db.auditEvent.findMany({ where: { workspaceId: created.id } });
    expect(audit.map((e) => e.action)).toEqual(["workspace.create"]);
  });

  it.each([
    ["ab", "at least 3 characters"],
    ["a".repeat(41), "at most 40 characters"],
    ["Acme", "lower-case letters"],
    ["acme_support", "lower-case letters"],
    ["-acme", "cannot start or end with a hyphen"],
    ["mcp", "reserved"],
    ["api", "reserved"],
    ["admin", "reserved"],
  ])("refuses the slug %j with a clear message and saves nothing", async (slug, message) => {
    const user = await createUser(database.db);
    const before = await database.db.workspace.count();
    await expect(callerFor(database.db, user).workspace.create({ name: "X", slug })).rejects.toThrow(message);
    expect(await database.db.workspace.count()).toBe(before);
  });

  it("refuses a taken slug, naming it, and keeps the first workspace as it was", async () => {
    const first = await createUser(database.db);
    const second = await createUser(database.db);
    await callerFor(database.db, first).workspace.create({ name: "Taken", slug: "taken-slug" });
    const error = await callerFor(database.db, second)
      .workspace.create({ name: "Other", slug: "taken-slug" })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "CONFLICT", message: 'The slug "taken-slug" is already taken; choose another.' });
    const ws = await database.db.workspace.findUniqueOrThrow({ where: { slug: "taken-slug" }, include: { memberships: true } });
    expect(ws.name).toBe("Taken");
    expect(ws.memberships.map((m) => m.userId)).toEqual([first.id]);
  });

  it("adds, re-roles and removes members; unknown emails and duplicates get clear errors", async () => {
    const owner = await createUser(database.db);
    const colleague = await createUser(database.db, `colleague-${provider}@example.test`);
    const api = callerFor(database.db, owner);
    await api.workspace.create({ name: "Team", slug: `team-${provider}` });
    const ws = { workspace: `team-${provider}` };

    await expect(api.members.add({ ...ws, email: "nobody@example.test", role: "editor" })).rejects.toThrow(
      "No user with the email nobody@example.test has signed up yet",
    );
    await expect(api.members.add({ ...ws, email: "not-an-email", role: "editor" })).rejects.toThrow();
    expect(await api.members.list(ws)).toHaveLength(1);

    // Emails are matched case-insensitively, as people type them.
    const added = await api.members.add({ ...ws, email: colleague.email.toUpperCase(), role: "editor" });
    expect(added).toMatchObject({ userId: colleague.id, role: "editor" });
    await expect(api.members.add({ ...ws, email: colleague.email, role: "viewer" })).rejects.toThrow("already a member");

    await api.members.changeRole({ ...ws, userId: colleague.id, role: "viewer" });
    expect((await api.members.list(ws)).find((m) => m.userId === colleague.id)?.role).toBe("viewer");
    await api.members.remove({ ...ws, userId: colleague.id });
    expect((await api.members.list(ws)).map((m) => m.userId)).toEqual([owner.id]);
  });

  it("never lets the last owner be demoted or removed", async () => {
    const owner = await createUser(database.db);
    const api = callerFor(database.db, owner);
    await api.workspace.create({ name: "Solo", slug: `solo-${provider}` });
    const ws = { workspace: `solo-${provider}` };
    await expect(api.members.changeRole({ ...ws, userId: owner.id, role: "editor" })).rejects.toThrow(
      "You cannot demote the last owner",
    );
    await expect(api.members.remove({ ...ws, userId: owner.id })).rejects.toThrow("You cannot remove the last owner");
    expect(await api.members.list(ws)).toMatchObject([{ userId: owner.id, role: "owner" }]);

    // With a second owner, the first may step down.
    const second = await createUser(database.db);
    await api.members.add({ ...ws, email: second.email, role: "owner" });
    await api.members.changeRole({ ...ws, userId: owner.id, role: "editor" });
    await expect(callerFor(database.db, second).members.remove({ ...ws, userId: second.id })).rejects.toThrow(
      "last owner",
    );
  });

  it("renames a workspace (owner only) and rejects an empty name", async () => {
    const owner = await createUser(database.db);
    const api = callerFor(database.db, owner);
    await api.workspace.create({ name: "Old", slug: `rename-${provider}` });
    await expect(api.workspace.rename({ workspace: `rename-${provider}`, name: "  " })).rejects.toThrow("Give the workspace a name");
    await api.workspace.rename({ workspace: `rename-${provider}`, name: "New" });
    expect(await api.workspace.get({ workspace: `rename-${provider}` })).toMatchObject({ name: "New" });
  });
});
