// Connections end to end (issue 15): a real description (1Password Connect) imported into a connection, draft tools
// made from its operations, published, and called over MCP against a loopback server implementing those operations,
// with each static kind of authentication. The credential never reaches a browser, a run record or a host the
// connection does not name; published versions keep the operation they froze.
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../../server/services/members";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { resultText, startMcp, startTrap, startVaultApi, VAULT_DESCRIPTION, type Listening, type VaultApi } from "../helpers/connections";
import { callerFor } from "../helpers/trpc";

const TOKEN = "tok-9f2b7c1d-connect-secret";

describe.each(TEST_PROVIDERS)("connections on %s", (provider) => {
  let database: TestDatabase;
  let owner: ReturnType<typeof callerFor>;
  let editor: ReturnType<typeof callerFor>;
  let viewer: ReturnType<typeof callerFor>;
  let vault: VaultApi;
  let trap: Listening;
  let mcp: Awaited<ReturnType<typeof startMcp>>;
  let client: Client;
  const ws = { workspace: "ops" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  const call = async (name: string, args: Record<string, unknown>) => client.callTool({ name, arguments: args });
  const runRows = () => database.db.run.findMany({ where: { workspace: { slug: "ops" } } });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const ownerUser = await createUser(database.db);
    owner = callerFor(database.db, ownerUser);
    const { id } = await owner.workspace.create({ name: "Ops", slug: "ops" });
    const editorUser = await createUser(database.db);
    const viewerUser = await createUser(database.db);
    await addMember(database.db, id, ownerUser.id, { email: editorUser.email, role: "editor" });
    await addMember(database.db, id, ownerUser.id, { email: viewerUser.email, role: "viewer" });
    editor = callerFor(database.db, editorUser);
    viewer = callerFor(database.db, viewerUser);
    // The test servers listen on loopback, which a workspace reaches only when allowed (and the operator allows it).
    await owner.settings.update({ ...ws, settings: { allowHosts: ["127.0.0.1", "localhost"] } });
    vault = await startVaultApi();
    trap = await startTrap();
    mcp = await startMcp(database);
    client = await mcp.client("ops", (await owner.keys.create({ ...ws, name: "tests" })).key);
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await client?.close();
    await mcp?.close();
    await vault?.close();
    await trap?.close();
    await database?.cleanup();
  });

  it("imports a real description into a new connection, and lets only owners change connections", async () => {
    const imported = await owner.connections.importOpenApi({ ...ws, name: "vault", text: VAULT_DESCRIPTION, baseUrl: `${vault.url}/v1` });
    expect(imported).toMatchObject({ created: true, operationCount: 15, baseUrlSet: `${vault.url}/v1` });
    expect(imported.connection).toMatchObject({ name: "vault", baseUrl: `${vault.url}/v1`, auth: { kind: "none" }, hasSecret: false, status: { state: "ready" } });
    expect(imported.connection.api).toMatchObject({ title: "1Password Connect", specVersion: "3.0.2", operationCount: 15, securitySchemes: [{ id: "ConnectToken", kind: "bearer" }] });

    await owner.connections.update({ ...ws, name: "vault", auth: { kind: "bearer" } });
    expect(await owner.connections.authorizationStatus({ ...ws, name: "vault" })).toMatchObject({ kind: "bearer", hasSecret: false, state: "no_secret", message: "Set the token." });
    const set = await owner.connections.setCredential({ ...ws, name: "vault", secret: TOKEN });
    expect(set).toMatchObject({ hasSecret: true, secretLabel: "Token", status: { state: "ready" } });

    // Members read everything but the secret; the value is stored encrypted.
    const seen = JSON.stringify([await viewer.connections.list(ws), await viewer.connections.get({ ...ws, name: "vault" }), await viewer.connections.authorizationStatus({ ...ws, name: "vault" })]);
    expect(seen).not.toContain(TOKEN);
    const row = await database.db.connection.findFirstOrThrow({ where: { name: "vault" } });
    expect(row.credential).toMatch(/^v1:/);
    expect(row.credential).not.toContain(TOKEN);
    expect(JSON.stringify(await database.db.auditEvent.findMany())).not.toContain(TOKEN);

    // Whoever may point a credential at a host is an owner.
    await expect(editor.connections.update({ ...ws, name: "vault", hosts: ["evil.example"] })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(editor.connections.setCredential({ ...ws, name: "vault", secret: "x" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(viewer.connections.importOpenApi({ ...ws, name: "vault", text: VAULT_DESCRIPTION })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(editor.connections.delete({ ...ws, name: "vault" })).rejects.toMatchObject({ code: "FORBIDDEN" });

    // Clear refusals of bad settings.
    await expect(owner.connections.create({ ...ws, name: "vault", auth: { kind: "none" } })).rejects.toThrow('A connection named "vault" already exists in this workspace.');
    await expect(owner.connections.create({ ...ws, name: "Bad Name" })).rejects.toThrow("Connection names use lower-case letters");
    await expect(owner.connections.update({ ...ws, name: "vault", hosts: ["*"] })).rejects.toThrow("* (any host) would let its credential go anywhere");
    await expect(owner.connections.update({ ...ws, name: "vault", baseUrl: "https://user:pw@api.example.com" })).rejects.toThrow("must not contain a user name or password");
    await expect(owner.connections.update({ ...ws, name: "vault", baseUrl: "https://{region}.example.com" })).rejects.toThrow("still has a {variable}");
    await expect(owner.connections.create({ ...ws, name: "cc", auth: { kind: "oauth2_client_credentials", tokenUrl: "http://auth.example.com/token", clientId: "c" } })).rejects.toThrow(
      "The token URL must use https:// (http is accepted only for hosts among the workspace's allowed private hosts).",
    );
  });

  it("searches the operations in the database and gives one operation's form and output shape", async () => {
    const page = await viewer.connections.searchOperations({ ...ws, name: "vault", query: "vault items", limit: 3 });
    expect(page.items[0]).toMatchObject({ operationId: "GetVaultItems", method: "GET", path: "/vaults/{vaultUuid}/items" });
    expect(page.total).toBeGreaterThan(3);
    const next = await viewer.connections.searchOperations({ ...ws, name: "vault", query: "vault items", limit: 3, cursor: page.nextCursor! });
    expect(next.items.map((i) => i.operationId)).not.toContain(page.items[0]!.operationId);
    const all = await viewer.connections.searchOperations({ ...ws, name: "vault", limit: 200 });
    expect(all).toMatchObject({ total: 15, nextCursor: null });
    expect(all.items[0]!.operationId).toBe("GetApiActivity");
    expect((await viewer.connections.searchOperations({ ...ws, name: "vault", query: "zzz-nothing" })).total).toBe(0);
    const details = await viewer.connections.operation({ ...ws, name: "vault", operationId: "GetVaultById" });
    expect(details.form.map((f) => f.key)).toEqual(["args.path.vaultUuid"]);
    expect(details.outputShape).toMatchObject({ kind: "object", fields: { status: { kind: "value" }, body: { kind: "object" } } });
    await expect(viewer.connections.operation({ ...ws, name: "vault", operationId: "Nope" })).rejects.toThrow('The connection "vault" has no operation "Nope".');
  });

  it("makes one unpublished draft per chosen operation, with names unique in the workspace", async () => {
    const made = await editor.connections.createDraftTools({ ...ws, name: "vault", operationIds: ["GetVaults", "GetVaultById", "CreateVaultItem", "DeleteVaultItem"] });
    expect(made.map((m) => m.name)).toEqual(["GetVaults", "GetVaultById", "CreateVaultItem", "DeleteVaultItem"]);
    const list = await editor.workflows.list(ws);
    expect(list.filter((w) => made.some((m) => m.name === w.name)).map((w) => w.status)).toEqual(made.map(() => ({ state: "draft" })));
    expect((await editor.connections.createDraftTools({ ...ws, name: "vault", operationIds: ["GetVaults"] }))[0]!.name).toBe("GetVaults_2");
    await expect(editor.connections.createDraftTools({ ...ws, name: "vault", operationIds: ["GetVaultById", "NoSuchThing"] })).rejects.toThrow('The connection "vault" has no operation "NoSuchThing"; nothing was created.');
    expect((await editor.workflows.list(ws)).length).toBe(5);
    for (const name of ["GetVaults", "GetVaultById", "CreateVaultItem", "DeleteVaultItem"]) await editor.workflows.publish({ ...ws, name });
  });

  const kinds: Array<{ kind: string; auth: Parameters<typeof owner.connections.update>[0]["auth"]; secret: string; check: (h: Record<string, unknown>, q: URLSearchParams) => boolean }> = [
    { kind: "an API key in a header", auth: { kind: "api_key", in: "header", name: "X-Connect-Key" }, secret: "key-in-header-7f3a", check: (h) => h["x-connect-key"] === "key-in-header-7f3a" },
    { kind: "an API key in the query", auth: { kind: "api_key", in: "query", name: "api_key" }, secret: "key-in-query-51bd", check: (_h, q) => q.get("api_key") === "key-in-query-51bd" },
    { kind: "a bearer token", auth: { kind: "bearer" }, secret: TOKEN, check: (h) => h.authorization === `Bearer ${TOKEN}` },
    { kind: "basic authentication", auth: { kind: "basic", username: "svc-user" }, secret: "pa55-w0rd-basic", check: (h) => h.authorization === `Basic ${Buffer.from("svc-user:pa55-w0rd-basic").toString("base64")}` },
  ];

  it.each(kinds)("calls the generated tools over MCP with $kind, and keeps it out of results and run records", async ({ auth, secret, check }) => {
    await owner.connections.update({ ...ws, name: "vault", auth });
    await owner.connections.setCredential({ ...ws, name: "vault", secret });
    vault.accept = (req, url) => check(req.headers, url.searchParams);
    vault.requests.length = 0;
    const recordedBefore = (await runRows()).length;

    const one = await call("GetVaultById", { vaultUuid: "v-private" });
    expect(one.isError).toBeFalsy();
    expect(one.structuredContent).toMatchObject({ id: "v-private", name: "Private" });
    const filtered = await call("GetVaults", { filter: 'name eq "Shared"' });
    expect(filtered.structuredContent).toMatchObject({ result: [{ id: "v-shared" }] });
    const created = await call("CreateVaultItem", { vaultUuid: "v-shared", vault: { id: "v-shared" }, category: "LOGIN", title: "New login", tags: ["a"] });
    expect(created.structuredContent).toMatchObject({ title: "New login", category: "LOGIN", vault: { id: "v-shared" } });
    const removed = await call("DeleteVaultItem", { vaultUuid: "v-shared", itemUuid: (created.structuredContent as { id: string }).id });
    expect(removed.structuredContent).toEqual({ status: 204 });
    expect(vault.requests.map((r) => `${r.method} ${r.url.replace(/[?&]api_key=[^&]*/, "")}`)).toEqual([
      "GET /v1/vaults/v-private",
      `GET /v1/vaults?filter=${encodeURIComponent('name eq "Shared"')}`,
      "POST /v1/vaults/v-shared/items",
      expect.stringMatching(/^DELETE \/v1\/vaults\/v-shared\/items\/i-\d+$/),
    ]);
    expect(JSON.parse(vault.requests[2]!.body)).toEqual({ vault: { id: "v-shared" }, category: "LOGIN", title: "New login", tags: ["a"], favorite: false });

    // An API that echoes the request hands the credential back: the sandbox, the caller and the record get the mask.
    const echo = await call("GetVaultById", { vaultUuid: "echo" });
    expect(JSON.stringify(echo)).not.toContain(secret);
    expect(JSON.stringify(echo)).toContain("••••");

    // A wrong credential is the API's 401, quoted with the credential masked (a query key is in the URL).
    vault.accept = () => false;
    const refused = await call("GetVaultById", { vaultUuid: "v-private" });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toContain(`HTTP 401 from GET ${vault.url}/v1/vaults/v-private`);
    expect(resultText(refused)).toContain("Invalid token signature");
    expect(resultText(refused)).not.toContain(secret);

    // The writer batches: wait for the rows, then look for the value anywhere in them.
    while ((await runRows()).length < recordedBefore + 6) await new Promise((r) => setTimeout(r, 20));
    expect(JSON.stringify(await runRows())).not.toContain(secret);
  });

  describe("sends requests only to the connection's hosts", () => {
    beforeAll(async () => {
      await owner.connections.update({ ...ws, name: "vault", auth: { kind: "bearer" }, hosts: [] });
      await owner.connections.setCredential({ ...ws, name: "vault", secret: TOKEN });
      vault.accept = (req) => req.headers.authorization === `Bearer ${TOKEN}`;
    });

    it("refuses a redirect to another host, and follows one to an added host without the credential", async () => {
      vault.redirectTo = `http://localhost:${trap.port}/collect`;
      trap.requests.length = 0;
      const refused = await call("GetVaultById", { vaultUuid: "redirect-out" });
      expect(resultText(refused)).toContain('the connection "vault" may only reach 127.0.0.1, so the request to localhost was refused');
      expect(trap.requests).toEqual([]);
      await owner.connections.update({ ...ws, name: "vault", hosts: ["localhost"] });
      const followed = await call("GetVaultById", { vaultUuid: "redirect-out" });
      expect(followed.structuredContent).toEqual({ trapped: true });
      expect(trap.requests).toHaveLength(1);
      expect(trap.requests[0]!.headers.authorization).toBeUndefined();
      await owner.connections.update({ ...ws, name: "vault", hosts: [] });
    });

    it("keeps an absolute URL or a path in a path parameter inside the base URL", async () => {
      vault.requests.length = 0;
      trap.requests.length = 0;
      const absolute = await call("GetVaultById", { vaultUuid: `http://localhost:${trap.port}/collect` });
      expect(resultText(absolute)).toContain("HTTP 404");
      const climbing = await call("GetVaultById", { vaultUuid: "../../admin" });
      expect(resultText(climbing)).toContain("HTTP 404");
      expect(vault.requests.map((r) => r.url)).toEqual([`/v1/vaults/${encodeURIComponent(`http://localhost:${trap.port}/collect`)}`, "/v1/vaults/..%2F..%2Fadmin"]);
      const dots = await call("GetVaultById", { vaultUuid: ".." });
      expect(resultText(dots)).toContain('operation "GetVaultById": the path parameter "vaultUuid" cannot be "..": it would move the request to another path');
      expect(vault.requests).toHaveLength(2);
      expect(trap.requests).toEqual([]);
    });

    it("refuses arguments that would add or replace headers, also from an edited step", async () => {
      const doc = (await editor.workflows.export({ ...ws, name: "GetVaults" })) as { nodes: Array<{ id: string; params: Record<string, unknown> }> };
      const step = doc.nodes.find((n) => n.id === "call")!;
      step.params.args = { query: { filter: "{{ input.filter }}" }, header: { Authorization: "Bearer stolen" } };
      vault.requests.length = 0;
      const run = await editor.workflows.testRun({ ...ws, name: "GetVaults", draft: doc, args: {} });
      expect(run.error?.message).toContain('operation "GetVaults": it has no header "Authorization"');
      step.params.args = { query: { filter: "x\r\nX-Injected: 1" } };
      const encoded = await editor.workflows.testRun({ ...ws, name: "GetVaults", draft: doc, args: {} });
      expect(encoded.status).toBe("ok");
      expect(vault.requests.map((r) => r.url)).toEqual(["/v1/vaults?filter=x%0D%0AX-Injected%3A%201"]);
      expect(vault.requests[0]!.headers["x-injected"]).toBeUndefined();
    });

    it("lets code call only the operations its version froze, of the connection it names", async () => {
      const doc = {
        format: "toolflow.workflow/v1",
        name: "sneaky",
        description: "asks the host for an operation it never froze",
        nodes: [
          { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
          { id: "c", type: "code", position: { x: 1, y: 0 }, params: { source: 'return await rt.host("operation", { connection: "vault", operationId: "GetVaults", args: {} });' } },
          { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ steps.c }}" } },
        ],
        edges: [
          { from: "input", to: "c" },
          { from: "c", to: "out" },
        ],
      };
      await editor.workflows.import({ ...ws, doc });
      const run = await editor.workflows.testRun({ ...ws, name: "sneaky", args: {} });
      expect(run.status).toBe("error");
      expect(JSON.stringify(run.trace)).toContain('this version does not call operation \\"GetVaults\\" of the connection \\"vault\\"');
    });
  });

  describe("published versions", () => {
    const original = JSON.parse(VAULT_DESCRIPTION) as { paths: Record<string, Record<string, unknown>> };
    const reimport = (paths: Record<string, unknown>) => owner.connections.importOpenApi({ ...ws, name: "vault", text: JSON.stringify({ ...original, paths }) });

    it("keep the operation they froze when the description changes, and use the connection's current base URL", async () => {
      const { ["/vaults/{vaultUuid}"]: byId, ...rest } = original.paths;
      await reimport({ ...rest, "/vaults/{vaultUuid}/moved": byId });
      vault.requests.length = 0;
      const live = await call("GetVaultById", { vaultUuid: "v-private" });
      expect(live.structuredContent).toMatchObject({ id: "v-private" });
      // The draft compiles against the description as it is now.
      const draft = await editor.workflows.testRun({ ...ws, name: "GetVaultById", args: { vaultUuid: "v-private" } });
      expect(draft.error?.message).toContain("HTTP 404");
      expect(vault.requests.map((r) => r.url)).toEqual(["/v1/vaults/v-private", "/v1/vaults/v-private/moved"]);

      // Gone from the description: the live version still calls it; publishing again names the step.
      await reimport(rest);
      expect((await call("GetVaultById", { vaultUuid: "v-shared" })).structuredContent).toMatchObject({ id: "v-shared" });
      await expect(editor.workflows.publish({ ...ws, name: "GetVaultById" })).rejects.toThrow(
        'The step "Get Vault details and metadata" calls the operation "GetVaultById", which the connection "vault" does not have (its description may have changed); choose another operation.',
      );
      const status = await editor.connections.checkSteps({ ...ws, draft: (await editor.workflows.get({ ...ws, name: "GetVaultById" })).draft });
      expect(status).toEqual([expect.objectContaining({ nodeId: "call", path: "params.operationId" })]);
      await reimport(original.paths);

      // The base URL is the connection's, read at each call: a version follows a move of the API.
      const moved = await startVaultApi();
      try {
        moved.accept = vault.accept;
        await owner.connections.update({ ...ws, name: "vault", baseUrl: `${moved.url}/v1` });
        expect((await call("GetVaults", {})).isError).toBeFalsy();
        expect(moved.requests.map((r) => r.url)).toEqual(["/v1/vaults"]);
      } finally {
        await owner.connections.update({ ...ws, name: "vault", baseUrl: `${vault.url}/v1` });
        await moved.close();
      }
    });

    it("run inside a workflow that calls them, with the callee's frozen operation", async () => {
      const caller = {
        format: "toolflow.workflow/v1",
        name: "vault_lookup",
        description: "looks a vault up through the published tool",
        nodes: [
          { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "id", type: "string", required: true }] } },
          { id: "lookup", type: "call", position: { x: 1, y: 0 }, params: { workflow: "GetVaultById", args: { vaultUuid: "{{ input.id }}" } } },
          { id: "out", type: "output", position: { x: 2, y: 0 }, params: { mode: "json", value: "{{ { name: steps.lookup.name } }}" } },
        ],
        edges: [
          { from: "input", to: "lookup" },
          { from: "lookup", to: "out" },
        ],
      };
      await editor.workflows.import({ ...ws, doc: caller });
      const run = await editor.workflows.testRun({ ...ws, name: "vault_lookup", args: { id: "v-shared" } });
      expect(run).toMatchObject({ status: "ok", result: { structuredContent: { name: "Shared" } } });
      expect(JSON.stringify(run)).not.toContain(TOKEN);
    });

    it("name a connection that does not exist as a problem of the step, and fail calls plainly once it is deleted", async () => {
      const doc = (await editor.workflows.export({ ...ws, name: "GetVaults" })) as { nodes: Array<{ id: string; label?: string; params: Record<string, unknown> }> };
      doc.nodes.find((n) => n.id === "call")!.params.connection = "nope";
      await expect(editor.workflows.testRun({ ...ws, name: "GetVaults", draft: doc, args: {} })).rejects.toThrow(
        'calls the connection "nope", which does not exist in this workspace; create it in Settings → Connections or choose another.',
      );
      await owner.connections.importOpenApi({ ...ws, name: "spare", text: VAULT_DESCRIPTION, baseUrl: `${vault.url}/v1` });
      await editor.connections.createDraftTools({ ...ws, name: "spare", operationIds: ["GetHeartbeat"] });
      await editor.workflows.publish({ ...ws, name: "GetHeartbeat" });
      await owner.connections.delete({ ...ws, name: "spare" });
      const gone = await call("GetHeartbeat", {});
      expect(gone.isError).toBe(true);
      expect(resultText(gone)).toContain('the connection "spare" does not exist in this workspace any more');
    });

    it("check expressions against the operation's response schema before a test run or publish", async () => {
      const description = {
        openapi: "3.0.3",
        info: { title: "Closed", version: "1" },
        paths: {
          "/ping": {
            get: {
              operationId: "ping",
              responses: { "200": { description: "ok", content: { "application/json": { schema: { type: "object", additionalProperties: false, properties: { pong: { type: "boolean" } } } } } } },
            },
          },
        },
      };
      await owner.connections.importOpenApi({ ...ws, name: "closed", text: JSON.stringify(description), baseUrl: `${vault.url}/v1` });
      const [draft] = await editor.connections.createDraftTools({ ...ws, name: "closed", operationIds: ["ping"] });
      const doc = (await editor.workflows.export({ ...ws, name: draft!.name })) as { nodes: Array<{ id: string; params: Record<string, unknown> }> };
      doc.nodes.find((n) => n.id === "out")!.params.value = "{{ steps.call.body.pnog }}";
      const refusal = 'has no field "pnog". Did you mean "pong"?';
      await expect(editor.workflows.testRun({ ...ws, name: draft!.name, draft: doc, args: {} })).rejects.toThrow(refusal);
      const { revision } = await editor.workflows.get({ ...ws, name: draft!.name });
      await editor.workflows.saveDraft({ ...ws, name: draft!.name, revision, draft: doc });
      await expect(editor.workflows.publish({ ...ws, name: draft!.name })).rejects.toThrow(refusal);
    });
  });
});
