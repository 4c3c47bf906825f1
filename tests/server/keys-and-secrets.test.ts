import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSecrets } from "../../server/services/secrets";
import { verifyApiKey } from "../../server/services/apiKeys";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

describe.each(TEST_PROVIDERS)("API keys and secrets on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let workspaceA: string;
  let workspaceB: string;
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR; // where the secret master key is created
    const owner = await createUser(database.db);
    api = callerFor(database.db, owner);
    workspaceA = (await api.workspace.create({ name: "A", slug: "keys-a" })).id;
    workspaceB = (await api.workspace.create({ name: "B", slug: "keys-b" })).id;
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("shows a key once, stores only its hash, and lists it by prefix", async () => {
    const created = await api.keys.create({ workspace: "keys-a", name: "Claude Desktop" });
    expect(created.key).toMatch(/^tf_[A-Za-z0-9_-]{43}$/);
    expect(created.key.startsWith(created.prefix)).toBe(true);
    const row = await database.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(JSON.stringify(row)).not.toContain(created.key);
    const listed = await api.keys.list({ workspace: "keys-a" });
    expect(listed).toHaveLength(1);
    expect(JSON.stringify(listed)).not.toContain(created.key);
    expect(listed[0]).toMatchObject({ name: "Claude Desktop", prefix: created.prefix, revokedAt: null });
  });

  it("accepts a key only for its own workspace, refuses forged, malformed and revoked keys", async () => {
    const { key, id } = await api.keys.create({ workspace: "keys-a", name: "Cursor" });
    expect(await verifyApiKey(database.db, workspaceA, key)).toMatchObject({ ok: true, keyId: id, scopes: ["mcp"] });
    expect((await database.db.apiKey.findUniqueOrThrow({ where: { id } })).lastUsedAt).not.toBeNull();
    expect(await verifyApiKey(database.db, workspaceB, key)).toEqual({ ok: false, reason: "wrong_workspace" });
    const forged = key.slice(0, -1) + (key.endsWith("A") ? "B" : "A");
    expect(await verifyApiKey(database.db, workspaceA, forged)).toEqual({ ok: false, reason: "unknown" });
    expect(await verifyApiKey(database.db, workspaceA, "Bearer " + key)).toEqual({ ok: false, reason: "malformed" });
    expect(await verifyApiKey(database.db, workspaceA, "")).toEqual({ ok: false, reason: "missing" });

    await api.keys.revoke({ workspace: "keys-a", keyId: id });
    expect(await verifyApiKey(database.db, workspaceA, key)).toEqual({ ok: false, reason: "revoked" });
    // A key id of workspace A cannot be revoked through workspace B.
    const other = await api.keys.create({ workspace: "keys-a", name: "VS Code" });
    await expect(api.keys.revoke({ workspace: "keys-b", keyId: other.id })).rejects.toThrow("does not exist in this workspace");
    expect(await verifyApiKey(database.db, workspaceA, other.key)).toMatchObject({ ok: true });
  });

  it("refuses a key without a name", async () => {
    await expect(api.keys.create({ workspace: "keys-a", name: " " })).rejects.toThrow("Give the key a name");
  });

  it("encrypts secrets at rest, never returns values, and decrypts only for their workspace", async () => {
    const value = "sk_live_51H8s3cr3tV4lu3";
    const set = await api.secrets.set({ workspace: "keys-a", name: "CRM_TOKEN", value });
    expect(JSON.stringify(set)).not.toContain(value);
    const row = await database.db.secret.findFirstOrThrow({ where: { workspaceId: workspaceA, name: "CRM_TOKEN" } });
    expect(row.ciphertext).not.toContain(value);
    expect(row.ciphertext).not.toContain(Buffer.from(value).toString("base64"));
    expect(JSON.stringify(await api.secrets.list({ workspace: "keys-a" }))).not.toContain(value);
    expect(await resolveSecrets(database.db, workspaceA, ["CRM_TOKEN", "MISSING"])).toEqual({ CRM_TOKEN: { value, hosts: [], readable: false } });
    expect(await resolveSecrets(database.db, workspaceB, ["CRM_TOKEN"])).toEqual({});

    // Replacing keeps one row; the audit log says it was replaced, without the value.
    await api.secrets.set({ workspace: "keys-a", name: "CRM_TOKEN", value: "rotated-value" });
    expect(await resolveSecrets(database.db, workspaceA, ["CRM_TOKEN"])).toEqual({ CRM_TOKEN: { value: "rotated-value", hosts: [], readable: false } });
    const audit = await database.db.auditEvent.findMany({ where: { workspaceId: workspaceA, action: "secret.set" } });
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit)).not.toContain(value);
  });

  it("a ciphertext copied into another workspace does not decrypt there", async () => {
    const row = await database.db.secret.findFirstOrThrow({ where: { workspaceId: workspaceA, name: "CRM_TOKEN" } });
    await database.db.secret.create({ data: { workspaceId: workspaceB, name: "CRM_TOKEN", ciphertext: row.ciphertext } });
    await expect(resolveSecrets(database.db, workspaceB, ["CRM_TOKEN"])).rejects.toThrow();
  });

  it.each([
    ["crm_token", "value", "capital letters"],
    ["1TOKEN", "value", "capital letters"],
    ["TOKEN", "", "cannot be empty"],
  ])("refuses secret %j = %j with a clear message", async (name, value, message) => {
    const before = await database.db.secret.count();
    await expect(api.secrets.set({ workspace: "keys-a", name, value })).rejects.toThrow(message);
    expect(await database.db.secret.count()).toBe(before);
  });

  it("deletes a secret, and says so when it does not exist", async () => {
    await api.secrets.set({ workspace: "keys-a", name: "TEMP", value: "x1234" });
    await api.secrets.delete({ workspace: "keys-a", name: "TEMP" });
    await expect(api.secrets.delete({ workspace: "keys-a", name: "TEMP" })).rejects.toThrow("There is no secret named TEMP");
  });

  it("keeps a secret's hosts and readability, closed by default, and checks each host entry", async () => {
    const created = await api.secrets.set({ workspace: "keys-a", name: "RULED", value: "v-123456" });
    expect(created).toMatchObject({ name: "RULED", hosts: [], readable: false });
    const ruled = await api.secrets.updateRules({ workspace: "keys-a", name: "RULED", hosts: ["API.Example.com", "*.crm.example", "api.example.com"], readable: true });
    expect(ruled).toMatchObject({ hosts: ["api.example.com", "*.crm.example"], readable: true });
    // Replacing the value keeps the rules it is not given.
    await api.secrets.set({ workspace: "keys-a", name: "RULED", value: "v-654321" });
    expect((await api.secrets.list({ workspace: "keys-a" })).find((s) => s.name === "RULED")).toMatchObject({ hosts: ["api.example.com", "*.crm.example"], readable: true });
    expect(await resolveSecrets(database.db, workspaceA, ["RULED"])).toEqual({ RULED: { value: "v-654321", hosts: ["api.example.com", "*.crm.example"], readable: true } });

    for (const [hosts, message] of [
      [["https://api.example.com"], "is not a host name: write just the host"],
      [["*.*"], "is not a valid pattern"],
      [["a*.example.com"], "may use * only as a whole entry"],
    ] as const) {
      const error = await api.secrets.updateRules({ workspace: "keys-a", name: "RULED", hosts: [...hosts] }).catch((e: unknown) => e);
      expect(String(error)).toContain(message);
    }
    // Nothing was lost by the refused changes.
    expect((await api.secrets.list({ workspace: "keys-a" })).find((s) => s.name === "RULED")?.hosts).toEqual(["api.example.com", "*.crm.example"]);
    await expect(api.secrets.updateRules({ workspace: "keys-a", name: "NOPE", readable: true })).rejects.toThrow("There is no secret named NOPE");
  });

  it("shows viewers that runs happened but not their data, unless an owner allows it", async () => {
    const viewerUser = await createUser(database.db, "run-viewer@example.test");
    await api.members.add({ workspace: "keys-a", email: viewerUser.email, role: "viewer" });
    const viewer = callerFor(database.db, viewerUser);
    const workflowId = (await database.db.workflow.create({ data: { workspaceId: workspaceA, name: "viewed", draft: {} } })).id;
    const run = await database.db.run.create({
      data: {
        workspaceId: workspaceA,
        workflowId,
        trigger: "mcp",
        status: "ok",
        input: { email: "ada@example.com" },
        output: { content: [{ type: "text", text: "Ada Lovelace, VIP" }] },
        trace: { nodes: [{ nodeId: "crm", type: "http", status: "ok", startedAt: "2026-01-01T00:00:00.000Z", params: { q: "ada@example.com" }, output: { name: "Ada Lovelace" } }], logs: [{ level: "info", message: "found Ada Lovelace", at: "2026-01-01T00:00:00.000Z" }] },
      },
    });
    const hidden = await viewer.runs.get({ workspace: "keys-a", runId: run.id });
    expect(hidden).toMatchObject({ dataHidden: true, status: "ok", input: null, output: null });
    expect(JSON.stringify(hidden)).not.toMatch(/ada@example.com|Ada Lovelace/);
    expect((hidden.trace as { nodes: unknown[] }).nodes[0]).toMatchObject({ nodeId: "crm", status: "ok" });

    // Error text can quote data too (an upstream's answer): hidden in the list and the detail.
    const failed = await database.db.run.create({
      data: {
        workspaceId: workspaceA,
        workflowId,
        trigger: "mcp",
        status: "error",
        error: "HTTP 404 from GET https://crm.example/customers?email=ada@example.com: no customer Ada Lovelace",
        trace: { nodes: [{ nodeId: "crm", type: "http", status: "error", startedAt: "2026-01-01T00:00:00.000Z", error: "no customer Ada Lovelace" }], logs: [] },
      },
    });
    const listed = await viewer.runs.list({ workspace: "keys-a" });
    expect(listed.runs.map((r) => r.id)).toEqual(expect.arrayContaining([run.id, failed.id]));
    expect(JSON.stringify(listed)).not.toMatch(/ada@example.com|Ada Lovelace/);
    const failedView = await viewer.runs.get({ workspace: "keys-a", runId: failed.id });
    expect(failedView).toMatchObject({ status: "error", error: expect.stringContaining("hidden from viewers") });
    expect(JSON.stringify(failedView)).not.toMatch(/ada@example.com|Ada Lovelace/);
    expect(JSON.stringify(await api.runs.list({ workspace: "keys-a" }))).toContain("no customer Ada Lovelace");

    const asOwner = await api.runs.get({ workspace: "keys-a", runId: run.id });
    expect(asOwner).toMatchObject({ dataHidden: false, input: { email: "ada@example.com" } });

    await expect(viewer.settings.update({ workspace: "keys-a", settings: { viewersSeeRunData: true } })).rejects.toThrow();
    await api.settings.update({ workspace: "keys-a", settings: { viewersSeeRunData: true } });
    expect(await viewer.runs.get({ workspace: "keys-a", runId: run.id })).toMatchObject({ dataHidden: false, input: { email: "ada@example.com" } });
  });
});
