// Tries to break tenant isolation and roles through every workspace-scoped procedure of the app router.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../../server/auth/roles";
import { appRouter } from "../../server/trpc/router";
import { ADD_TAX } from "../helpers/workflows";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

/** Every procedure that takes a workspace, with the minimum role it needs and a valid input besides the workspace. */
type Fixture = { minimum: Role; input: (ctx: { victimId: string; keyId: string; documentId: string }) => Record<string, unknown> };
const WORKSPACE_PROCEDURES: Record<string, Fixture> = {
  "workspace.get": { minimum: "viewer", input: () => ({}) },
  "account.shell": { minimum: "viewer", input: () => ({}) },
  "account.endpoint": { minimum: "viewer", input: () => ({}) },
  "workspace.rename": { minimum: "owner", input: () => ({ name: "Hijacked" }) },
  "members.list": { minimum: "viewer", input: () => ({}) },
  "members.add": { minimum: "owner", input: () => ({ email: "outsider@example.test", role: "owner" }) },
  "members.changeRole": { minimum: "owner", input: ({ victimId }) => ({ userId: victimId, role: "viewer" }) },
  "members.remove": { minimum: "owner", input: ({ victimId }) => ({ userId: victimId }) },
  "invitations.list": { minimum: "owner", input: () => ({}) },
  "invitations.create": { minimum: "owner", input: () => ({ role: "owner" }) },
  "invitations.revoke": { minimum: "owner", input: () => ({ invitationId: "invitation_of_b" }) },
  "keys.list": { minimum: "owner", input: () => ({}) },
  "keys.create": { minimum: "owner", input: () => ({ name: "stolen" }) },
  "keys.revoke": { minimum: "owner", input: ({ keyId }) => ({ keyId }) },
  "secrets.list": { minimum: "viewer", input: () => ({}) },
  "secrets.updateRules": { minimum: "owner", input: () => ({ name: "CRM_TOKEN", hosts: ["*"], readable: true }) },
  "secrets.set": { minimum: "owner", input: () => ({ name: "CRM_TOKEN", value: "overwritten" }) },
  "secrets.delete": { minimum: "owner", input: () => ({ name: "CRM_TOKEN" }) },
  "workflows.list": { minimum: "viewer", input: () => ({}) },
  "workflows.templates": { minimum: "viewer", input: () => ({}) },
  "workflows.get": { minimum: "viewer", input: () => ({ name: "add_tax" }) },
  "workflows.export": { minimum: "viewer", input: () => ({ name: "add_tax" }) },
  "workflows.versions": { minimum: "viewer", input: () => ({ name: "add_tax" }) },
  "workflows.version": { minimum: "viewer", input: () => ({ name: "add_tax", number: 1 }) },
  "workflows.create": { minimum: "editor", input: () => ({ name: "planted" }) },
  "workflows.saveDraft": { minimum: "editor", input: () => ({ name: "add_tax", revision: 1, draft: { ...ADD_TAX, description: "tampered" } }) },
  "workflows.import": { minimum: "editor", input: () => ({ doc: { ...ADD_TAX, description: "tampered" } }) },
  "workflows.archive": { minimum: "editor", input: () => ({ name: "add_tax" }) },
  "workflows.publish": { minimum: "editor", input: () => ({ name: "add_tax", note: "hijack" }) },
  "workflows.unpublish": { minimum: "editor", input: () => ({ name: "add_tax" }) },
  "workflows.makeLive": { minimum: "editor", input: () => ({ name: "add_tax", number: 1 }) },
  "workflows.restoreToDraft": { minimum: "editor", input: () => ({ name: "add_tax", number: 1 }) },
  "runs.list": { minimum: "viewer", input: () => ({}) },
  "runs.get": { minimum: "viewer", input: () => ({ runId: "run_of_b" }) },
  "usage.report": { minimum: "viewer", input: () => ({ range: "24h" }) },
  "usage.csv": { minimum: "viewer", input: () => ({ range: "24h", chart: "clients" }) },
  "settings.get": { minimum: "viewer", input: () => ({}) },
  "settings.update": { minimum: "owner", input: () => ({ settings: { allowHosts: ["10.0.0.0/8"] } }) },
  "settings.audit": { minimum: "owner", input: () => ({}) },
  "workflows.testRun": { minimum: "editor", input: () => ({ name: "add_tax", args: { amount: 1, rate: 0 } }) },
  "oauth.grants.list": { minimum: "owner", input: () => ({}) },
  "oauth.grants.revoke": { minimum: "owner", input: () => ({ grantId: "grant_of_b" }) },
  "oauth.clients.list": { minimum: "owner", input: () => ({}) },
  "oauth.clients.create": { minimum: "owner", input: () => ({ name: "Planted", redirectUris: ["https://attacker.example/cb"] }) },
  "oauth.clients.delete": { minimum: "owner", input: () => ({ clientId: "client_of_b" }) },
  "documents.list": { minimum: "viewer", input: () => ({}) },
  "documents.facets": { minimum: "viewer", input: () => ({}) },
  "documents.usage": { minimum: "viewer", input: () => ({}) },
  "documents.get": { minimum: "viewer", input: ({ documentId }) => ({ id: documentId }) },
  "documents.passages": { minimum: "viewer", input: ({ documentId }) => ({ id: documentId }) },
  "documents.search": { minimum: "viewer", input: () => ({ query: "hello" }) },
  "documents.upload": { minimum: "editor", input: () => ({ name: "planted.md", base64: Buffer.from("# Planted\n\nHello.").toString("base64") }) },
  "documents.update": { minimum: "editor", input: ({ documentId }) => ({ id: documentId, folder: "Hijacked", resourceUri: "planted://doc" }) },
  "documents.delete": { minimum: "editor", input: ({ documentId }) => ({ id: documentId }) },
  "connections.list": { minimum: "viewer", input: () => ({}) },
  "connections.get": { minimum: "viewer", input: () => ({ name: "crm" }) },
  "connections.authorizationStatus": { minimum: "viewer", input: () => ({ name: "crm" }) },
  "connections.searchOperations": { minimum: "viewer", input: () => ({ name: "crm" }) },
  "connections.tags": { minimum: "viewer", input: () => ({ name: "crm" }) },
  "connections.operation": { minimum: "viewer", input: () => ({ name: "crm", operationId: "getContact" }) },
  "connections.checkSteps": { minimum: "viewer", input: () => ({ draft: ADD_TAX }) },
  "connections.createDraftTools": { minimum: "editor", input: () => ({ name: "crm", operationIds: ["getContact"] }) },
  "connections.create": { minimum: "owner", input: () => ({ name: "planted", baseUrl: "https://planted.example.com" }) },
  "connections.update": { minimum: "owner", input: () => ({ name: "crm", baseUrl: "https://attacker.example.net" }) },
  "connections.delete": { minimum: "owner", input: () => ({ name: "crm" }) },
  "connections.setCredential": { minimum: "owner", input: () => ({ name: "crm", secret: "planted" }) },
  "connections.disconnect": { minimum: "owner", input: () => ({ name: "crm" }) },
  "connections.importOpenApi": { minimum: "owner", input: () => ({ name: "crm", text: "openapi: 3.0.0\ninfo: {title: x, version: '1'}\npaths: {}\n" }) },
  "prompts.list": { minimum: "viewer", input: () => ({}) },
  "prompts.get": { minimum: "viewer", input: () => ({ name: "greeting" }) },
  "prompts.versions": { minimum: "viewer", input: () => ({ name: "greeting" }) },
  "prompts.version": { minimum: "viewer", input: () => ({ name: "greeting", number: 1 }) },
  "prompts.create": { minimum: "editor", input: () => ({ name: "planted" }) },
  "prompts.saveDraft": { minimum: "editor", input: () => ({ name: "greeting", revision: 1, draft: { ...GREETING, description: "tampered" } }) },
  "prompts.publish": { minimum: "editor", input: () => ({ name: "greeting", note: "hijack" }) },
  "prompts.rollback": { minimum: "editor", input: () => ({ name: "greeting", number: 1 }) },
  "prompts.delete": { minimum: "editor", input: () => ({ name: "greeting" }) },
};

const GREETING = { name: "greeting", description: "Greets someone.", arguments: [], messages: [{ role: "user", content: { type: "text", text: "Say hello." } }] };

function procedurePaths(): string[] {
  return Object.keys(appRouter._def.procedures as Record<string, unknown>);
}

async function call(api: ReturnType<typeof callerFor>, path: string, input: Record<string, unknown>) {
  // Nested routers (oauth.grants.list) are nested objects on the caller.
  const fn = path.split(".").reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], api) as (i: unknown) => Promise<unknown>;
  return fn(input);
}

describe.each(TEST_PROVIDERS)("authorization on %s", (provider) => {
  let database: TestDatabase;
  let owner: Awaited<ReturnType<typeof createUser>>;
  let roles: Record<Role, Awaited<ReturnType<typeof createUser>>>;
  let outsider: Awaited<ReturnType<typeof createUser>>;
  let keyId: string;
  let documentId: string;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    owner = await createUser(database.db);
    outsider = await createUser(database.db, "outsider@example.test");
    roles = { viewer: await createUser(database.db), editor: await createUser(database.db), owner };
    const api = callerFor(database.db, owner);
    await api.workspace.create({ name: "Workspace B", slug: "workspace-b" });
    for (const role of ["viewer", "editor"] as const) {
      await api.members.add({ workspace: "workspace-b", email: roles[role].email, role });
    }
    keyId = (await api.keys.create({ workspace: "workspace-b", name: "B's client" })).id;
    await api.secrets.set({ workspace: "workspace-b", name: "CRM_TOKEN", value: "b-secret-value" });
    await api.workflows.import({ workspace: "workspace-b", doc: ADD_TAX });
    await api.workflows.publish({ workspace: "workspace-b", name: "add_tax", note: "first" });
    documentId = (await api.documents.upload({ workspace: "workspace-b", name: "hello.md", base64: Buffer.from("# Hello\n\nHello there.").toString("base64") })).id;
    await api.connections.create({ workspace: "workspace-b", name: "crm", baseUrl: "https://crm.example.com", auth: { kind: "bearer" }, secret: "b-connection-token" });
    await api.prompts.create({ workspace: "workspace-b", name: "greeting" });
    await api.prompts.saveDraft({ workspace: "workspace-b", name: "greeting", revision: 0, draft: GREETING });
    await api.prompts.publish({ workspace: "workspace-b", name: "greeting" });
    const wf = await database.db.workflow.findFirstOrThrow({ where: { name: "add_tax" } });
    await database.db.run.create({ data: { id: "run_of_b", workspaceId: wf.workspaceId, workflowId: wf.id, trigger: "mcp", status: "ok" } });
    documentId = (await api.documents.upload({ workspace: "workspace-b", name: "handbook.md", base64: Buffer.from("# Handbook\n\nB's handbook.").toString("base64") })).id;
    // The outsider owns another workspace (A), which gives them no rights on B.
    await callerFor(database.db, outsider).workspace.create({ name: "Workspace A", slug: "workspace-a" });
  });
  afterAll(async () => database?.cleanup());

  async function snapshot() {
    const ws = await database.db.workspace.findUniqueOrThrow({
      where: { slug: "workspace-b" },
      include: { memberships: { orderBy: { userId: "asc" } } },
    });
    const keys = await database.db.apiKey.findMany({ where: { workspaceId: ws.id }, orderBy: { id: "asc" } });
    const secrets = await database.db.secret.findMany({ where: { workspaceId: ws.id }, orderBy: { name: "asc" } });
    const workflows = await database.db.workflow.findMany({ where: { workspaceId: ws.id }, include: { versions: true }, orderBy: { name: "asc" } });
    const documents = await database.db.document.findMany({ where: { workspaceId: ws.id }, include: { tags: true, _count: { select: { passages: true, versions: true } } }, orderBy: { name: "asc" } });
    const connections = await database.db.connection.findMany({ where: { workspaceId: ws.id }, orderBy: { name: "asc" } });
    const prompts = await database.db.prompt.findMany({ where: { workspaceId: ws.id }, include: { versions: true }, orderBy: { name: "asc" } });
    return {
      name: ws.name,
      members: ws.memberships.map((m) => [m.userId, m.role]),
      keys: keys.map((k) => [k.id, k.revokedAt]),
      secrets: secrets.map((s) => [s.name, s.ciphertext, s.hosts, s.readable]),
      workflows: workflows.map((w) => [w.name, w.revision, w.draft, w.liveVersionId, w.archivedAt, w.versions.length]),
      prompts: prompts.map((p) => [p.name, p.revision, p.draft, p.liveVersionId, p.versions.length]),
      settings: ws.limits,
      connections: connections.map((c) => JSON.stringify(c)),
      documents: documents.map((d) => [d.name, d.folder, d.resourceUri, d.currentVersion, d.tags.map((t) => t.tag), d._count]),
    };
  }

  it("covers every workspace procedure of the router", () => {
    // Not about one workspace: creating one, listing one's own, and the consent page (checked in oauth-authorization tests).
    const workspaceScoped = procedurePaths().filter((p) => !["workspace.create", "workspace.listMine", "oauth.describeConsent", "account.me", "account.home", "account.signUpState"].includes(p));
    expect(workspaceScoped.sort()).toEqual(Object.keys(WORKSPACE_PROCEDURES).sort());
  });

  it.each(Object.entries(WORKSPACE_PROCEDURES))("%s: a member of workspace A gets nothing from workspace B", async (path, fixture) => {
    const before = await snapshot();
    const error = await call(callerFor(database.db, outsider), path, {
      workspace: "workspace-b",
      ...fixture.input({ victimId: roles.editor.id, keyId, documentId }),
    }).catch((e: unknown) => e);
    // The same answer as for a workspace that does not exist: nothing is revealed.
    expect(error).toMatchObject({ code: "NOT_FOUND", message: 'Workspace "workspace-b" was not found.' });
    expect(await snapshot()).toEqual(before);
  });

  it.each(Object.entries(WORKSPACE_PROCEDURES))("%s: signed-out callers are refused", async (path, fixture) => {
    const error = await call(callerFor(database.db, null), path, {
      workspace: "workspace-b",
      ...fixture.input({ victimId: roles.editor.id, keyId, documentId }),
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNAUTHORIZED" });
  });

  it.each(Object.entries(WORKSPACE_PROCEDURES).filter(([, f]) => f.minimum !== "viewer"))(
    "%s: roles below the minimum are refused and change nothing",
    async (path, fixture) => {
      const below = (["viewer", "editor"] as const).filter((r) => r !== fixture.minimum && (fixture.minimum === "owner" || r === "viewer"));
      for (const role of below) {
        const before = await snapshot();
        const error = await call(callerFor(database.db, roles[role]), path, {
          workspace: "workspace-b",
          ...fixture.input({ victimId: roles.editor.id, keyId, documentId }),
        }).catch((e: unknown) => e);
        expect(error).toMatchObject({ code: "FORBIDDEN", message: `This needs the ${fixture.minimum} role; you are a ${role} in this workspace.` });
        expect(await snapshot()).toEqual(before);
      }
    },
  );

  it("viewers can read", async () => {
    const api = callerFor(database.db, roles.viewer);
    expect(await api.workspace.get({ workspace: "workspace-b" })).toMatchObject({ role: "viewer" });
    expect(await api.members.list({ workspace: "workspace-b" })).toHaveLength(3);
    expect((await api.workspace.listMine()).map((w) => w.slug)).toEqual(["workspace-b"]);
    expect((await api.usage.report({ workspace: "workspace-b", range: "24h" })).totals.calls).toBe(1);
  });

  it("a run or key id of workspace B is not found through workspace A", async () => {
    const api = callerFor(database.db, outsider);
    await expect(api.runs.get({ workspace: "workspace-a", runId: "run_of_b" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await api.runs.list({ workspace: "workspace-a" })).runs).toEqual([]);
    expect((await api.usage.report({ workspace: "workspace-a", range: "24h" })).totals.calls).toBe(0);
    await expect(api.keys.revoke({ workspace: "workspace-a", keyId })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("settings: bad values are refused with a message and change nothing; changes are audited", async () => {
    const api = callerFor(database.db, owner);
    await expect(api.settings.update({ workspace: "workspace-b", settings: { rateLimitPerMinute: 0 } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    const updated = await api.settings.update({ workspace: "workspace-b", settings: { allowHosts: ["127.0.0.1"], limits: { timeoutMs: 5000 } } });
    expect(updated).toMatchObject({ allowHosts: ["127.0.0.1"], limits: { timeoutMs: 5000 }, rateLimitPerMinute: 600 });
    expect(await api.settings.get({ workspace: "workspace-b" })).toMatchObject(updated);
    // A patch of one key leaves the others as they were.
    const retention = await api.settings.update({ workspace: "workspace-b", settings: { runRetentionDays: 3 } });
    expect(retention).toMatchObject({ allowHosts: ["127.0.0.1"], limits: { timeoutMs: 5000 }, runRetentionDays: 3 });
    // A key sent as undefined is absent, not a reset.
    expect(await api.settings.update({ workspace: "workspace-b", settings: { allowHosts: undefined, runRetentionCount: 500 } })).toMatchObject({ allowHosts: ["127.0.0.1"], runRetentionCount: 500 });
    // Allowed private hosts are host names, IPs or ranges no broader than /8 (IPv4) or /32 (IPv6).
    for (const [entry, message] of [
      ["0.0.0.0/0", "too broad"],
      ["::/0", "too broad"],
      ["10.0.0.0/4", "too broad"],
      ["10.0.0.0/33", "not a CIDR range"],
      ["http://crm.internal", "not a host name"],
      ["crm internal", "not a host name"],
    ] as const) {
      const error = await api.settings.update({ workspace: "workspace-b", settings: { allowHosts: ["crm.internal", entry] } }).catch((e: unknown) => e);
      expect(error, entry).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining(message) });
    }
    expect(await api.settings.update({ workspace: "workspace-b", settings: { allowHosts: ["crm.internal", "10.0.0.0/16", "fd00::/48", "192.168.1.20"] } })).toMatchObject({
      allowHosts: ["crm.internal", "10.0.0.0/16", "fd00::/48", "192.168.1.20"],
      runRetentionCount: 500,
    });
    const { events } = await api.settings.audit({ workspace: "workspace-b" });
    expect(events[0]).toMatchObject({ action: "settings.update", actorId: owner.id, actor: { email: owner.email } });
  });

  it("settings: an owner cannot point sql nodes at the server's disk (SQLite folders are the operator's)", async () => {
    const api = callerFor(database.db, owner);
    const before = await api.settings.get({ workspace: "workspace-b" });
    const forged = { sqliteDirs: ["/"] } as unknown as { runRetentionDays: number };
    const error = await api.settings.update({ workspace: "workspace-b", settings: forged }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST", message: expect.stringContaining("SQLite folders are set by the server's operator") });
    expect(await api.settings.get({ workspace: "workspace-b" })).toEqual(before);
    expect(before.sqliteDirs).toEqual([]);
  });

  it("a member id from another workspace cannot be re-roled or removed through mine", async () => {
    // The outsider owns A; they try to remove B's editor by naming A (where that user is not a member).
    const api = callerFor(database.db, outsider);
    await expect(api.members.remove({ workspace: "workspace-a", userId: roles.editor.id })).rejects.toThrow(
      "not a member of this workspace",
    );
    await expect(
      api.members.changeRole({ workspace: "workspace-a", userId: roles.editor.id, role: "viewer" }),
    ).rejects.toThrow("not a member of this workspace");
    expect((await snapshot()).members).toContainEqual([roles.editor.id, "editor"]);
  });
});
