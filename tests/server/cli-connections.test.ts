// `toolflow connection …` end to end: each command spawned as a user would run it, against a temporary SQLite
// database, with a description served on loopback for the URL import.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConnection, setConnectionCredential } from "../../server/services/connections";
import { importOpenApi } from "../../server/services/connectionDescriptions";
import { sealTokens } from "../../server/services/connectionSecrets";
import { createWorkspace } from "../../server/services/workspaces";
import { updateSettings } from "../../server/services/workspaceSettings";
import { VAULT_DESCRIPTION } from "../helpers/connections";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/database";
import { tree } from "../helpers/files";

const root = resolve(import.meta.dirname, "../..");

// Each command is a Node start with tsx and Prisma: seconds apiece on a busy machine.
describe("toolflow connection", { timeout: 180_000 }, () => {
  let database: TestDatabase;
  let server: http.Server;
  let origin = "";
  let file = "";
  let broken = "";

  const toolflow = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((done) => {
      const child = spawn(process.execPath, [join(root, "bin/toolflow.mjs"), ...args], { cwd: root, env: { ...process.env, ...database.env } });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (c: Buffer) => (stdout += c));
      child.stderr.on("data", (c: Buffer) => (stderr += c));
      child.on("close", (code) => done({ code, stdout: stdout.trim(), stderr: stderr.trim() }));
    });

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const user = await createUser(database.db);
    const ws = await createWorkspace(database.db, user.id, { name: "Acme", slug: "acme" });
    await createWorkspace(database.db, user.id, { name: "Closed", slug: "closed" });
    await updateSettings(database.db, ws.id, { allowHosts: ["127.0.0.1"] });
    file = join(database.env.TOOLFLOW_DATA_DIR!, "connect.json");
    writeFileSync(file, VAULT_DESCRIPTION);
    broken = join(database.env.TOOLFLOW_DATA_DIR!, "broken.yaml");
    writeFileSync(broken, "openapi: 3.0.3\ninfo: { title: Broken, version: '1' }\npaths:\n  /x:\n    get:\n      parameters:\n        - in: query\n      responses: { '200': { description: ok } }\n");
    server = http.createServer((req, res) => {
      res.writeHead(req.url === "/openapi.json" ? 200 : 404, { "content-type": "application/json" });
      res.end(req.url === "/openapi.json" ? VAULT_DESCRIPTION : "{}");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await database?.cleanup();
  });

  it("imports a description from a file and from a URL, and lists the connections", async () => {
    expect(await toolflow(["connection", "list", "--workspace", "acme"])).toMatchObject({ code: 0, stdout: "no connections in acme" });
    expect(await toolflow(["connection", "import-openapi", file, "--workspace", "acme", "--name", "vault", "--base-url", "https://vault.example.com/v1"])).toMatchObject({
      code: 0,
      stdout: 'created connection vault in acme: 15 operations from "1Password Connect", base URL https://vault.example.com/v1',
    });
    expect(await toolflow(["connection", "import-openapi", `${origin}/openapi.json`, "--workspace", "acme", "--name", "vault2"])).toMatchObject({
      code: 0,
      stdout: 'created connection vault2 in acme: 15 operations from "1Password Connect", base URL http://1password.local',
    });
    expect(await toolflow(["connection", "import-openapi", file, "--workspace", "acme", "--name", "vault2"])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^updated connection vault2/) });
    const listed = await toolflow(["connection", "list", "--workspace", "acme"]);
    expect(listed.code).toBe(0);
    expect(listed.stdout.split("\n")).toEqual(["vault  none  https://vault.example.com/v1  15 operations  ready", "vault2  none  http://1password.local  15 operations  ready"]);
  });

  it("makes draft tools from operations, and refuses unknown ones without creating any", async () => {
    const made = await toolflow(["connection", "tools", "vault", "--workspace", "acme", "--operations", "GetVaults", "GetVaultById"]);
    expect(made).toMatchObject({ code: 0, stdout: "created draft GetVaults for GetVaults\ncreated draft GetVaultById for GetVaultById" });
    expect(made.stderr).toContain("toolflow workflow publish <name> --workspace acme");
    const drafts = await database.db.workflow.findMany({ where: { workspace: { slug: "acme" } }, select: { name: true, liveVersionId: true } });
    expect(drafts).toEqual(expect.arrayContaining([{ name: "GetVaults", liveVersionId: null }, { name: "GetVaultById", liveVersionId: null }]));
    expect(await toolflow(["connection", "tools", "vault", "--workspace", "acme", "--operations", "GetVaults,NoSuch"])).toMatchObject({
      code: 1,
      stderr: 'error: The connection "vault" has no operation "NoSuch"; nothing was created.',
    });
    expect(await database.db.workflow.count()).toBe(2);
    expect(await toolflow(["connection", "tools", "nope", "--workspace", "acme", "--operations", "GetVaults"])).toMatchObject({ code: 1, stderr: 'error: There is no connection named "nope" in this workspace.' });
    expect((await toolflow(["connection", "tools", "vault", "--workspace", "acme"])).code).toBe(1);
  });

  it("fails with one clear line and exit code 1", async () => {
    const brokenRun = await toolflow(["connection", "import-openapi", broken, "--workspace", "acme", "--name", "broken"]);
    expect(brokenRun.code).toBe(1);
    expect(brokenRun.stderr).toMatch(/^The API description cannot be imported:\n- At paths\.\/x\.get\.parameters\[0\]: /);
    expect(await toolflow(["connection", "import-openapi", "missing.json", "--workspace", "acme", "--name", "x"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^error: cannot read missing\.json: ENOENT/) });
    expect(await toolflow(["connection", "import-openapi", file, "--workspace", "nope", "--name", "x"])).toMatchObject({ code: 1, stderr: 'error: no workspace "nope" (create it with: toolflow workspace create nope)' });
    expect(await toolflow(["connection", "import-openapi", `${origin}/openapi.json`, "--workspace", "closed", "--name", "x"])).toMatchObject({
      code: 1,
      stderr: `error: Could not fetch the description from ${origin}/openapi.json: HTTP request to "127.0.0.1" refused: loopback address (add it to the workspace's allowed hosts to permit it).`,
    });
    expect(await toolflow(["connection", "import-openapi", `${origin}/gone.json`, "--workspace", "acme", "--name", "x"])).toMatchObject({ code: 1, stderr: `error: Could not fetch the description from ${origin}/gone.json: the server answered HTTP 404.` });
    // A usage error (no --name) is exit code 1 too.
    expect((await toolflow(["connection", "import-openapi", file, "--workspace", "acme"])).code).toBe(1);
    expect(await database.db.connection.count()).toBe(2);
  });

  it("exports connections as files without secrets and imports them elsewhere, round trip byte-identical", async () => {
    const previousDataDir = process.env.TOOLFLOW_DATA_DIR;
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR; // the master key the CLI uses too
    const acme = await database.db.workspace.findUniqueOrThrow({ where: { slug: "acme" } });
    const SECRETS = ["vault-bearer-7c1e", "tickets-key-44aa", "sso-client-secret-9d0f", "sso-access-token-e1", "sso-refresh-token-e2"];
    try {
      await database.db.connection.update({ where: { workspaceId_name: { workspaceId: acme.id, name: "vault" } }, data: { authKind: "bearer", authConfig: {}, hosts: ["files.example.com"] } });
      await setConnectionCredential(database.db, acme.id, null, "vault", SECRETS[0]!);
      await createConnection(database.db, acme.id, null, { name: "tickets", description: "Helpdesk", baseUrl: "https://tickets.example.com", auth: { kind: "api_key", in: "header", name: "X-Api-Key" }, secret: SECRETS[1] });
      await importOpenApi(database.db, acme.id, null, { name: "tickets", text: readFileSync(resolve(root, "tests/fixtures/openapi/tickets-small.yaml"), "utf8") });
      const sso = await createConnection(database.db, acme.id, null, {
        name: "sso",
        baseUrl: "https://api.sso.example.com",
        auth: { kind: "oauth2_authorization_code", authorizationUrl: "https://id.example.com/authorize?prompt=consent", tokenUrl: "https://id.example.com/token", clientId: "toolflow", scopes: ["read", "write"] },
        secret: SECRETS[2],
      });
      const ssoRow = await database.db.connection.findUniqueOrThrow({ where: { workspaceId_name: { workspaceId: acme.id, name: sso.name } } });
      await database.db.connection.update({ where: { id: ssoRow.id }, data: { tokens: sealTokens(acme.id, ssoRow.id, { accessToken: SECRETS[3]!, refreshToken: SECRETS[4]! }), authorizedAt: new Date() } });
    } finally {
      process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    }

    const scratch = mkdtempSync(join(database.env.TOOLFLOW_DATA_DIR!, "export-"));
    const first = join(scratch, "a");
    const second = join(scratch, "b");
    expect(await toolflow(["export", "--workspace", "acme", first])).toMatchObject({ code: 0, stdout: expect.stringContaining("4 connections (without credentials or tokens)") });
    const a = tree(first);
    expect([...a.keys()].filter((p) => p.startsWith("connections")).sort()).toEqual(
      ["sso.connection.json", "tickets.connection.json", "tickets.openapi.yaml", "vault.connection.json", "vault.openapi.json", "vault2.connection.json", "vault2.openapi.json"].map((f) => join("connections", f)),
    );
    expect(JSON.parse(a.get(join("connections", "sso.connection.json"))!.toString())).toEqual({
      format: "toolflow.connection/v1",
      name: "sso",
      description: "",
      apiDescription: undefined,
      auth: { kind: "oauth2_authorization_code", authorizationUrl: "https://id.example.com/authorize?prompt=consent", tokenUrl: "https://id.example.com/token", clientId: "toolflow", scopes: ["read", "write"], clientAuth: "client_secret_basic" },
      baseUrl: "https://api.sso.example.com",
      hosts: [],
    });
    expect(a.get(join("connections", "tickets.connection.json"))!.toString()).toMatch(/^\{\n {2}"format": "toolflow.connection\/v1",\n {2}"name": "tickets",\n {2}"description": "Helpdesk",/);
    expect(a.get(join("connections", "tickets.openapi.yaml"))!.toString()).toBe(readFileSync(resolve(root, "tests/fixtures/openapi/tickets-small.yaml"), "utf8"));
    const everything = [...a.values()].map((b) => b.toString()).join("\n");
    for (const secret of SECRETS) expect(everything).not.toContain(secret);

    const imported = await toolflow(["import", first, "--workspace", "closed"]);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout).toContain("connections: 4 created, 0 updated, 0 unchanged");
    expect(imported.stdout).toContain("Credentials and tokens are never exported.");
    expect(imported.stdout.split("\n")).toEqual(expect.arrayContaining(["  sso: set its client secret and connect it", "  tickets: set its api key", "  vault: set its token"]));
    const closed = await database.db.workspace.findUniqueOrThrow({ where: { slug: "closed" } });
    const copies = await database.db.connection.findMany({ where: { workspaceId: closed.id }, orderBy: { name: "asc" } });
    expect(copies.map((c) => [c.name, c.credential, c.tokens, c.operationCount])).toEqual([
      ["sso", null, null, 0],
      ["tickets", null, null, 3],
      ["vault", null, null, 15],
      ["vault2", null, null, 15],
    ]);

    expect(await toolflow(["export", "--workspace", "closed", second])).toMatchObject({ code: 0 });
    const b = tree(second);
    a.delete("toolflow.export.json");
    b.delete("toolflow.export.json");
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [path, content] of a) expect(b.get(path)!.equals(content), path).toBe(true);

    // Again: nothing changes; other settings need --replace, which keeps nothing secret it did not have.
    expect((await toolflow(["import", first, "--workspace", "closed"])).stdout).toContain("connections: 0 created, 0 updated, 4 unchanged");
    const file = join(first, "connections", "vault.connection.json");
    writeFileSync(file, readFileSync(file, "utf8").replace("https://vault.example.com/v1", "https://vault2.example.com/v1"));
    const refused = await toolflow(["import", first, "--workspace", "closed"]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain(`${join("connections", "vault.connection.json")}: the workspace already has a connection "vault" with other settings; pass --replace`);
    const replaced = await toolflow(["import", first, "--workspace", "closed", "--replace"]);
    expect(replaced).toMatchObject({ code: 0, stdout: expect.stringContaining("connections: 0 created, 1 updated, 3 unchanged") });
    expect((await database.db.connection.findFirstOrThrow({ where: { workspaceId: closed.id, name: "vault" } })).baseUrl).toBe("https://vault2.example.com/v1");

    // A file that names another connection, or settings that are not valid, stop the whole import.
    writeFileSync(join(first, "connections", "other.connection.json"), readFileSync(join(first, "connections", "tickets.connection.json")));
    const bad = await toolflow(["import", first, "--workspace", "closed", "--replace"]);
    expect(bad).toMatchObject({ code: 1, stderr: expect.stringContaining('the connection inside is named "tickets"; the file must be called tickets.connection.json') });
  });
});
