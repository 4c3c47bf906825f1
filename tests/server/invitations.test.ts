// Invitation links through the tRPC router and the service: shown once, stored as a hash, expiring, revocable, one
// workspace's links out of another's reach, and audited.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkInvitation, createInvitation, hashInvitationToken, InvitationRefused, listInvitations, reserveInvitation } from "../../server/services/invitations";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

const DAY = 24 * 60 * 60 * 1000;
const previousMode = process.env.TOOLFLOW_SIGNUP;

describe.each(TEST_PROVIDERS)("invitations on %s", (provider) => {
  let database: TestDatabase;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let other: Awaited<ReturnType<typeof createUser>>;
  let api: ReturnType<typeof callerFor>;
  beforeAll(async () => {
    process.env.TOOLFLOW_SIGNUP = "invite";
    database = await createTestDatabase(provider);
    owner = await createUser(database.db);
    other = await createUser(database.db);
    api = callerFor(database.db, owner);
    await api.workspace.create({ name: "Acme", slug: "acme" });
    await callerFor(database.db, other).workspace.create({ name: "Other", slug: "other" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_SIGNUP = previousMode;
    await database?.cleanup();
  });

  it("creates a link shown once: only its hash is stored, it expires after 7 days by default, and it is audited", async () => {
    const before = Date.now();
    const created = await api.invitations.create({ workspace: "acme", role: "editor" });
    expect(created.token).toMatch(/^tfinv_[A-Za-z0-9_-]{43}$/);
    expect(created.path).toBe(`/sign-up?invite=${created.token}`);
    expect(created).toMatchObject({ role: "editor", email: null, status: "pending", createdBy: owner.email });
    expect(created.expiresAt.getTime() - before).toBeGreaterThanOrEqual(7 * DAY - 1000);
    expect(created.expiresAt.getTime() - before).toBeLessThanOrEqual(7 * DAY + 60_000);
    const row = await database.db.invitation.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.tokenHash).toBe(hashInvitationToken(created.token));
    expect(JSON.stringify(row)).not.toContain(created.token.slice(6));
    const listed = await api.invitations.list({ workspace: "acme" });
    expect(listed.signup).toBe("invite");
    expect(listed.invitations[0]).toMatchObject({ id: created.id, status: "pending" });
    expect(listed.invitations[0]).not.toHaveProperty("token");
    expect(JSON.stringify(listed)).not.toContain(created.token);
    const { events } = await api.settings.audit({ workspace: "acme" });
    expect(events[0]).toMatchObject({ action: "invitation.create", target: created.id, actorId: owner.id, data: { role: "editor", email: null } });
    expect(JSON.stringify(events)).not.toContain(created.token);
  });

  it("refuses bad input with a message naming the field", async () => {
    for (const [input, field, message] of [
      [{ role: "editor", expiresInDays: 0 }, "expiresInDays", "at least 1 day"],
      [{ role: "editor", expiresInDays: 31 }, "expiresInDays", "at most 30 days"],
      [{ role: "editor", expiresInDays: 1.5 }, "expiresInDays", "whole number"],
      [{ role: "editor", email: "not an email" }, "email", "valid email"],
      [{ role: "superuser" }, "role", ""],
    ] as const) {
      const error = await api.invitations.create({ workspace: "acme", ...(input as unknown as { role: "editor" }) }).catch((e: unknown) => e);
      expect(error, JSON.stringify(input)).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(message) });
      // The path the error formatter turns into `field`, for the form to show the message in place.
      expect((error as { cause?: { issues?: { path: unknown[] }[] } }).cause?.issues?.[0]?.path).toEqual([field]);
    }
    // An empty email means "anyone with the link".
    expect(await api.invitations.create({ workspace: "acme", role: "viewer", email: "  " })).toMatchObject({ email: null });
  });

  it("shows each link's status: pending, used (by whom), expired, revoked", async () => {
    const ws = await database.db.workspace.findUniqueOrThrow({ where: { slug: "other" } });
    const db = database.db;
    const pending = await createInvitation(db, ws.id, other.id, { role: "viewer" });
    const expired = await createInvitation(db, ws.id, other.id, { role: "viewer", expiresInDays: 1 }, new Date(Date.now() - 2 * DAY));
    const revoked = await createInvitation(db, ws.id, other.id, { role: "viewer" });
    await callerFor(db, other).invitations.revoke({ workspace: "other", invitationId: revoked.id });
    const used = await createInvitation(db, ws.id, other.id, { role: "editor" });
    const newcomer = await createUser(db, "newcomer@example.test");
    await db.invitation.update({ where: { id: used.id }, data: { usedById: newcomer.id, usedAt: new Date() } });
    const byId = new Map((await listInvitations(db, ws.id)).map((i) => [i.id, i]));
    expect(byId.get(pending.id)).toMatchObject({ status: "pending", usedBy: null });
    expect(byId.get(expired.id)).toMatchObject({ status: "expired" });
    expect(byId.get(revoked.id)).toMatchObject({ status: "revoked" });
    expect(byId.get(used.id)).toMatchObject({ status: "used", usedBy: "newcomer@example.test" });

    for (const [link, problem] of [[expired, "expired"], [revoked, "revoked"], [used, "used"]] as const) {
      await expect(checkInvitation(db, link.token)).rejects.toMatchObject({ problem });
    }
    await expect(checkInvitation(db, pending.token)).resolves.toMatchObject({ role: "viewer", workspace: { slug: "other" } });
  });

  it("revoking: audited, idempotent, refused for a used link, and never through another workspace", async () => {
    const db = database.db;
    const link = await api.invitations.create({ workspace: "acme", role: "owner" });
    // The owner of "other" names acme's invitation through their own workspace.
    await expect(callerFor(db, other).invitations.revoke({ workspace: "other", invitationId: link.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(callerFor(db, other).invitations.revoke({ workspace: "acme", invitationId: link.id })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await db.invitation.findUniqueOrThrow({ where: { id: link.id } })).revokedAt).toBeNull();
    expect((await callerFor(db, other).invitations.list({ workspace: "other" })).invitations.map((i) => i.id)).not.toContain(link.id);

    await api.invitations.revoke({ workspace: "acme", invitationId: link.id });
    await api.invitations.revoke({ workspace: "acme", invitationId: link.id });
    const { events } = await api.settings.audit({ workspace: "acme" });
    expect(events.filter((e) => e.action === "invitation.revoke" && e.target === link.id)).toHaveLength(1);

    const reserved = await api.invitations.create({ workspace: "acme", role: "viewer" });
    const user = await createUser(db);
    await reserveInvitation(db, reserved.token, user.email, user.id);
    await expect(api.invitations.revoke({ workspace: "acme", invitationId: reserved.id })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("already been used") });
  });

  it("a reservation is single: a second one for the same token is refused", async () => {
    const db = database.db;
    const link = await api.invitations.create({ workspace: "acme", role: "viewer" });
    const [x, y] = [await createUser(db), await createUser(db)];
    const results = await Promise.allSettled([reserveInvitation(db, link.token, x.email, x.id), reserveInvitation(db, link.token, y.email, y.id)]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(InvitationRefused);
  });

  it("in closed mode no link can be created (nobody could use it)", async () => {
    process.env.TOOLFLOW_SIGNUP = "closed";
    try {
      await expect(api.invitations.create({ workspace: "acme", role: "editor" })).rejects.toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("Sign-up is closed") });
      expect((await api.invitations.list({ workspace: "acme" })).signup).toBe("closed");
    } finally {
      process.env.TOOLFLOW_SIGNUP = "invite";
    }
  });
});

describe("toolflow invite create", { timeout: 120_000 }, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const owner = await createUser(database.db);
    await callerFor(database.db, owner).workspace.create({ name: "Acme", slug: "acme" });
  });
  afterAll(async () => database?.cleanup());

  const toolflow = (args: string[]) => {
    const root = resolve(import.meta.dirname, "../..");
    const env = { ...process.env, ...database.env, TOOLFLOW_SIGNUP: "invite", PORT: "4123", TOOLFLOW_PUBLIC_URL: "" };
    const result = spawnSync(process.execPath, [join(root, "bin/toolflow.mjs"), ...args], { cwd: root, env, encoding: "utf8" });
    return { code: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
  };

  it("prints a link (and only the link on stdout) that works once for that workspace and role", async () => {
    const made = toolflow(["invite", "create", "--workspace", "acme", "--role", "viewer", "--email", "Pat@Example.test"]);
    expect(made.code, made.stderr).toBe(0);
    expect(made.stdout).toMatch(/^http:\/\/localhost:4123\/sign-up\?invite=tfinv_[A-Za-z0-9_-]{43}$/);
    expect(made.stderr).toMatch(/invitation to acme as viewer for pat@example.test, expires /);
    const token = new URL(made.stdout).searchParams.get("invite")!;
    await expect(checkInvitation(database.db, token)).resolves.toMatchObject({ role: "viewer", email: "pat@example.test", workspace: { slug: "acme" } });
    const audit = await database.db.auditEvent.findFirstOrThrow({ where: { action: "invitation.create" } });
    expect(audit.actorId).toBeNull();
  });

  it("refuses a bad role, a bad number of days and an unknown workspace", () => {
    expect(toolflow(["invite", "create", "--workspace", "acme", "--role", "admin"])).toMatchObject({ code: 1, stderr: expect.stringContaining("error:") });
    expect(toolflow(["invite", "create", "--workspace", "acme", "--days", "90"])).toMatchObject({ code: 1, stderr: expect.stringContaining("at most 30 days") });
    expect(toolflow(["invite", "create", "--workspace", "nope"])).toMatchObject({ code: 1, stderr: expect.stringContaining('no workspace "nope"') });
  });
});
