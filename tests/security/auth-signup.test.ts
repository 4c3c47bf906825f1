// TOOLFLOW_SIGNUP through the real better-auth handler over HTTP: who gets an account in each mode, what an invitation
// token gives, and the ways around it (no token, forged, expired, revoked, used, another workspace's, another email,
// races, calling the auth API without the web route). The operator CLI still makes accounts in closed mode.
import { spawnSync } from "node:child_process";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { asOperator, createGate, createSignupPolicy, withRequestScope } from "../../server/auth/signup";
import { createInvitation, revokeInvitation } from "../../server/services/invitations";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, TEST_PROVIDERS } from "../helpers/database";
import { freshClientAddress, post, startAuthServer, type AuthServer } from "./auth-harness";

const PASSWORD = "long enough pw";
const previousMode = process.env.TOOLFLOW_SIGNUP;
afterAll(() => {
  process.env.TOOLFLOW_SIGNUP = previousMode;
});

/** Each sign-up from another client address behind the trusted proxy, so better-auth's per-address limit stays out of the way. */
function signUp(server: AuthServer, email: string, extra: Record<string, unknown> = {}) {
  return post(server, "/sign-up/email", { email, password: PASSWORD, name: email.split("@")[0], ...extra }, { headers: { "x-forwarded-for": freshClientAddress() } });
}

async function startServer(provider: (typeof TEST_PROVIDERS)[number], mode: string) {
  process.env.TOOLFLOW_SIGNUP = mode;
  return startAuthServer({ provider, trustedProxies: ["127.0.0.1"] });
}

describe.each(TEST_PROVIDERS)("TOOLFLOW_SIGNUP=invite (the default) on %s", (provider) => {
  let server: AuthServer;
  let owner: { id: string; email: string };
  let a: { id: string; slug: string };
  let b: { id: string; slug: string };
  beforeAll(async () => {
    server = await startServer(provider, "");
    const first = await signUp(server, "first@example.test");
    expect(first.status, "the first account of an empty install needs no invitation").toBe(200);
    owner = first.body.user!;
    const db = server.database.db;
    a = await createWorkspace(db, owner.id, { name: "Workspace A", slug: "ws-a" }).then((w) => db.workspace.findUniqueOrThrow({ where: { slug: w.slug } }));
    b = await createWorkspace(db, owner.id, { name: "Workspace B", slug: "ws-b" }).then((w) => db.workspace.findUniqueOrThrow({ where: { slug: w.slug } }));
  });
  afterAll(async () => server?.close());

  const invite = (workspaceId: string, input: Parameters<typeof createInvitation>[3], now?: Date) => createInvitation(server.database.db, workspaceId, owner.id, input, now);
  const userCount = () => server.database.db.user.count();

  it("refuses a sign-up without a token, and does not tell whether the email has an account", async () => {
    const before = await userCount();
    for (const email of ["newcomer@example.test", "first@example.test", "FIRST@example.test"]) {
      const reply = await signUp(server, email);
      expect(reply.status, email).toBe(403);
      expect(reply.body).toMatchObject({ code: "INVITATION_REQUIRED", message: expect.stringMatching(/needs an invitation/) });
    }
    // Not a string, empty: no token.
    for (const inviteToken of ["", 42, null, { $ne: null }, ["tfinv_x"]]) {
      expect((await signUp(server, "newcomer@example.test", { inviteToken })).body.code, JSON.stringify(inviteToken)).toBe("INVITATION_REQUIRED");
    }
    expect(await userCount()).toBe(before);
  });

  it("refuses forged tokens", async () => {
    const real = await invite(a.id, { role: "editor" });
    const before = await userCount();
    const forged = [
      "tfinv_" + "A".repeat(43),
      real.token.slice(0, -1) + (real.token.endsWith("A") ? "B" : "A"),
      real.token.slice(0, -2),
      real.token.slice("tfinv_".length),
      real.token + " ",
      real.token.toUpperCase(),
      (await server.database.db.invitation.findUniqueOrThrow({ where: { id: real.id } })).tokenHash, // the stored hash is not the token
      "tfinv_" + "x".repeat(5000),
    ];
    for (const token of forged) {
      const reply = await signUp(server, "forger@example.test", { inviteToken: token });
      expect(reply.status, token.slice(0, 40)).toBe(403);
      expect(reply.body.code).toBe("INVITATION_INVALID");
    }
    expect(await userCount()).toBe(before);
    expect((await server.database.db.invitation.findUniqueOrThrow({ where: { id: real.id } })).usedById).toBeNull();
  });

  it("a valid token gives one account, a member of that workspace only, with the invitation's role; it works once", async () => {
    const link = await invite(a.id, { role: "viewer" });
    const reply = await signUp(server, "vera@example.test", { inviteToken: link.token });
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    const vera = reply.body.user!;
    const db = server.database.db;
    expect(await db.membership.findMany({ where: { userId: vera.id }, select: { workspaceId: true, role: true } })).toEqual([{ workspaceId: a.id, role: "viewer" }]);
    const used = await db.invitation.findUniqueOrThrow({ where: { id: link.id } });
    expect(used).toMatchObject({ usedById: vera.id, usedAt: expect.any(Date) });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { action: "invitation.use" } });
    expect(audit).toMatchObject({ workspaceId: a.id, actorId: vera.id, target: "vera@example.test", data: { role: "viewer", invitation: link.id } });
    expect(await db.auditEvent.count({ where: { workspaceId: b.id, action: "invitation.use" } })).toBe(0);

    const again = await signUp(server, "vera-two@example.test", { inviteToken: link.token });
    expect(again.status).toBe(403);
    expect(again.body).toMatchObject({ code: "INVITATION_USED", message: expect.stringMatching(/already been used/) });
  });

  it("refuses expired and revoked tokens", async () => {
    const expired = await invite(b.id, { role: "editor", expiresInDays: 1 }, new Date(Date.now() - 2 * 24 * 60 * 60 * 1000));
    expect((await signUp(server, "late@example.test", { inviteToken: expired.token })).body).toMatchObject({ code: "INVITATION_EXPIRED" });
    const revoked = await invite(b.id, { role: "owner" });
    await revokeInvitation(server.database.db, b.id, owner.id, revoked.id);
    expect((await signUp(server, "withdrawn@example.test", { inviteToken: revoked.token })).body).toMatchObject({ code: "INVITATION_REVOKED" });
    expect(await server.database.db.user.count({ where: { email: { in: ["late@example.test", "withdrawn@example.test"] } } })).toBe(0);
  });

  it("an invitation for one email refuses every other address, and the right one can still use it", async () => {
    const link = await invite(b.id, { role: "editor", email: "Alice@Example.test" });
    for (const email of ["mallory@example.test", "alice@example.test.evil", "alice+x@example.test"]) {
      const reply = await signUp(server, email, { inviteToken: link.token });
      expect(reply.body, email).toMatchObject({ code: "INVITATION_EMAIL", message: expect.stringContaining("alice@example.test") });
    }
    const alice = await signUp(server, "ALICE@example.test", { inviteToken: link.token });
    expect(alice.status).toBe(200);
    expect(await server.database.db.membership.findFirst({ where: { userId: alice.body.user!.id } })).toMatchObject({ workspaceId: b.id, role: "editor" });
  });

  it("two people racing with one token: exactly one account", async () => {
    const link = await invite(a.id, { role: "editor" });
    const before = await userCount();
    const replies = await Promise.all(Array.from({ length: 6 }, (_, i) => signUp(server, `racer-${i}@example.test`, { inviteToken: link.token })));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 403, 403, 403, 403, 403]);
    expect(replies.filter((r) => r.status === 403).every((r) => r.body.code === "INVITATION_USED")).toBe(true);
    expect(await userCount()).toBe(before + 1);
    const winner = replies.find((r) => r.status === 200)!.body.user!;
    expect(await server.database.db.membership.count({ where: { workspaceId: a.id, user: { email: { startsWith: "racer-" } } } })).toBe(1);
    expect(await server.database.db.invitation.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ usedById: winner.id });
  });

  it("a sign-up that fails after reserving a token gives it back (two tokens racing for one email)", async () => {
    const [one, two] = [await invite(a.id, { role: "viewer" }), await invite(a.id, { role: "viewer" })];
    const replies = await Promise.all([one, two].map((link) => signUp(server, "twice@example.test", { inviteToken: link.token })));
    expect(replies.map((r) => r.status).filter((s) => s === 200)).toHaveLength(1);
    expect(await server.database.db.user.count({ where: { email: "twice@example.test" } })).toBe(1);
    const rows = await server.database.db.invitation.findMany({ where: { id: { in: [one.id, two.id] } } });
    expect(rows.filter((r) => r.usedAt !== null)).toHaveLength(1);
    // The loser's token is usable again, not stuck half-used.
    const unused = rows.find((r) => r.usedAt === null)!;
    expect(unused.usedById).toBeNull();
    const token = unused.id === one.id ? one.token : two.token;
    expect((await signUp(server, "third-person@example.test", { inviteToken: token })).status).toBe(200);
  });

  it("calling the auth API without the web route is held to the same rule", async () => {
    const error = await server.auth.api.signUpEmail({ body: { email: "backdoor@example.test", password: PASSWORD, name: "Backdoor" } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 403, body: { code: "INVITATION_REQUIRED" } });
    expect(await server.database.db.user.count({ where: { email: "backdoor@example.test" } })).toBe(0);
    // The operator (CLI) is not.
    await asOperator(() => server.auth.api.signUpEmail({ body: { email: "ops-made@example.test", password: PASSWORD, name: "Ops" } }));
    expect(await server.database.db.user.count({ where: { email: "ops-made@example.test" } })).toBe(1);
  });
});

describe.each(TEST_PROVIDERS)("TOOLFLOW_SIGNUP=closed on %s", (provider) => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startServer(provider, "closed");
  });
  afterAll(async () => server?.close());

  it("allows only the first account on an empty install, then refuses everyone, with or without a token", async () => {
    expect((await signUp(server, "founder@example.test")).status).toBe(200);
    const founder = await server.database.db.user.findUniqueOrThrow({ where: { email: "founder@example.test" } });
    const ws = await createWorkspace(server.database.db, founder.id, { name: "Closed", slug: "closed" });
    const workspace = await server.database.db.workspace.findUniqueOrThrow({ where: { slug: ws.slug } });
    // Owners cannot make links that nobody could use.
    await expect(createInvitation(server.database.db, workspace.id, founder.id, { role: "editor" })).rejects.toThrow(/Sign-up is closed/);
    // A link made while the server was in invite mode stops working when it is closed.
    process.env.TOOLFLOW_SIGNUP = "invite";
    const link = await createInvitation(server.database.db, workspace.id, founder.id, { role: "editor" });
    process.env.TOOLFLOW_SIGNUP = "closed";
    for (const extra of [{}, { inviteToken: link.token }]) {
      const reply = await signUp(server, "outsider@example.test", extra);
      expect(reply.status).toBe(403);
      expect(reply.body).toMatchObject({ code: "SIGNUP_CLOSED", message: expect.stringMatching(/operator/) });
    }
    expect(await server.database.db.user.count()).toBe(1);
    expect(await server.database.db.invitation.findUniqueOrThrow({ where: { id: link.id } })).toMatchObject({ usedById: null, usedAt: null });
  });

  it("the operator CLI still creates accounts", () => {
    const root = resolve(import.meta.dirname, "../..");
    const result = spawnSync(process.execPath, [join(root, "bin/toolflow.mjs"), "user", "create", "cli-made@example.test", "--password-stdin"], {
      cwd: root,
      env: { ...process.env, ...server.database.env, TOOLFLOW_SIGNUP: "closed" },
      input: "a long passphrase\n",
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe("created user cli-made@example.test");
  }, 120_000);

  it("the CLI's account really exists", async () => {
    expect(await server.database.db.user.count({ where: { email: "cli-made@example.test" } })).toBe(1);
  });
});

describe("first account of an empty install", () => {
  let server: AuthServer;
  afterEach(async () => server?.close());

  it.each(["invite", "closed"])("in %s mode, of several racing sign-ups exactly one becomes the first account", async (mode) => {
    server = await startServer("sqlite", mode);
    const replies = await Promise.all(Array.from({ length: 4 }, (_, i) => signUp(server, `eager-${i}@example.test`)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 403, 403, 403]);
    expect(await server.database.db.user.count()).toBe(1);
  });
});

describe("the first-account check", () => {
  it("is guarded by a lock that admits one holder at a time, in order, and releases once", async () => {
    const gate = createGate();
    const order: string[] = [];
    const flush = async () => {
      for (let i = 0; i < 10; i++) await Promise.resolve();
    };
    const releaseA = await gate.acquire();
    const b = gate.acquire().then((release) => (order.push("b"), release));
    const c = gate.acquire().then((release) => (order.push("c"), release));
    await flush();
    expect(order).toEqual([]);
    releaseA();
    releaseA(); // a second release must not let two holders in
    const releaseB = await b;
    await flush();
    expect(order).toEqual(["b"]);
    releaseB();
    (await c)();
    expect(order).toEqual(["b", "c"]);
  });

  it("holds until that account exists, so a second sign-up waits and then needs an invitation", async () => {
    process.env.TOOLFLOW_SIGNUP = "invite";
    const database = await createTestDatabase("sqlite");
    try {
      const policy = createSignupPolicy(database.db);
      let admitted!: () => void;
      let insert!: () => void;
      const firstAdmitted = new Promise<void>((r) => (admitted = r));
      const mayInsert = new Promise<void>((r) => (insert = r));
      const first = withRequestScope(async () => {
        expect(await policy.beforeCreate({ email: "one@example.test" }, {})).toBeUndefined();
        admitted();
        await mayInsert;
        await database.db.user.create({ data: { id: "one", email: "one@example.test", name: "One" } });
      });
      await firstAdmitted;
      // Asks while the first account is admitted but not yet written.
      const second = withRequestScope(() => policy.beforeCreate({ email: "two@example.test" }, {}));
      insert();
      await first;
      await expect(second).rejects.toMatchObject({ statusCode: 403, body: { code: "INVITATION_REQUIRED" } });
    } finally {
      await database.cleanup();
    }
  });
});

describe("TOOLFLOW_SIGNUP=open", () => {
  let server: AuthServer;
  beforeAll(async () => {
    server = await startServer("sqlite", "open");
  });
  afterAll(async () => server?.close());

  it("lets anyone sign up; a token, when given, must be valid and gives its membership", async () => {
    const first = await signUp(server, "first@example.test");
    expect((await signUp(server, "second@example.test")).status).toBe(200);
    const ws = await createWorkspace(server.database.db, first.body.user!.id, { name: "Open", slug: "open-ws" });
    const workspace = await server.database.db.workspace.findUniqueOrThrow({ where: { slug: ws.slug } });
    const link = await createInvitation(server.database.db, workspace.id, first.body.user!.id, { role: "editor" });
    expect((await signUp(server, "typo@example.test", { inviteToken: link.token.slice(0, -3) })).body.code).toBe("INVITATION_INVALID");
    const invited = await signUp(server, "invited@example.test", { inviteToken: link.token });
    expect(invited.status).toBe(200);
    expect(await server.database.db.membership.findFirst({ where: { userId: invited.body.user!.id } })).toMatchObject({ workspaceId: workspace.id, role: "editor" });
  });
});

describe("TOOLFLOW_SIGNUP values", () => {
  it("a mistyped mode is an error, not a silent default", async () => {
    const { signupMode } = await import("../../server/config");
    const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
    expect(signupMode(env({}))).toBe("invite");
    expect(signupMode(env({ TOOLFLOW_SIGNUP: " Open " }))).toBe("open");
    expect(() => signupMode(env({ TOOLFLOW_SIGNUP: "opne" }))).toThrow(/TOOLFLOW_SIGNUP must be open, invite or closed/);
  });
});
