// `toolflow connection …` end to end: each command spawned as a user would run it, against a temporary SQLite
// database, with a description served on loopback for the URL import.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createWorkspace } from "../../server/services/workspaces";
import { updateSettings } from "../../server/services/workspaceSettings";
import { VAULT_DESCRIPTION } from "../helpers/connections";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/database";

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
});
