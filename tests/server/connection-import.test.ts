// Importing API descriptions into connections (issue 15): from text or from a URL fetched through the SSRF guard
// with the workspace's rules (a private address refused unless allowed, every redirect checked, unreachable and
// failing servers named), broken descriptions refused with the place named and nothing stored, and a real
// description of 844 operations stored, searched and paged in the database.
import { readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { DIRECTORY, VAULT_DESCRIPTION } from "../helpers/connections";
import { callerFor } from "../helpers/trpc";

const NETBOX = readFileSync(`${DIRECTORY}/netbox.dev.json`, "utf8");

describe.each(TEST_PROVIDERS)("importing API descriptions on %s", (provider) => {
  let database: TestDatabase;
  let owner: ReturnType<typeof callerFor>;
  let server: http.Server;
  let origin = "";
  let closedPort = 0;
  const open = { workspace: "open" };
  const closed = { workspace: "closed" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    owner = callerFor(database.db, await createUser(database.db));
    await owner.workspace.create({ name: "Open", slug: "open" });
    await owner.workspace.create({ name: "Closed", slug: "closed" });
    await owner.settings.update({ ...open, settings: { allowHosts: ["127.0.0.1"] } });
    server = http.createServer((req, res) => {
      const send = (status: number, type: string, body: string) => {
        res.writeHead(status, { "content-type": type });
        res.end(body);
      };
      if (req.url === "/vault.json") return send(200, "application/json", VAULT_DESCRIPTION);
      if (req.url === "/relative.yaml") return send(200, "application/yaml", "openapi: 3.0.3\ninfo: { title: Relative, version: '1' }\nservers: [{ url: /api/v2 }]\npaths:\n  /ping: { get: { operationId: ping, responses: { '200': { description: ok } } } }\n");
      if (req.url === "/elsewhere") {
        // ::1 is loopback too, but only 127.0.0.1 is allowed: the hop has to be checked on its own.
        res.writeHead(302, { location: `http://[::1]:${(server.address() as AddressInfo).port}/vault.json` });
        return res.end();
      }
      send(404, "text/plain", "not here");
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    // A port nothing listens on: bound and closed again.
    const probe = http.createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((r) => probe.close(r));
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
    await database?.cleanup();
  });

  it("fetches a description from a URL the workspace may reach, and takes its server as the base URL", async () => {
    const imported = await owner.connections.importOpenApi({ ...open, name: "vault", url: `${origin}/vault.json` });
    expect(imported).toMatchObject({ created: true, operationCount: 15, baseUrlSet: "http://1password.local" });
    // A relative server is relative to where the description came from.
    const relative = await owner.connections.importOpenApi({ ...open, name: "relative", url: `${origin}/relative.yaml` });
    expect(relative).toMatchObject({ operationCount: 1, baseUrlSet: `${origin}/api/v2` });
    // A base URL the owner set stays.
    const again = await owner.connections.importOpenApi({ ...open, name: "relative", url: `${origin}/vault.json` });
    expect(again.baseUrlSet).toBeUndefined();
    expect(again.connection.baseUrl).toBe(`${origin}/api/v2`);
  });

  it("refuses private addresses the workspace does not allow, also behind a redirect, and names unreachable or failing servers", async () => {
    await expect(owner.connections.importOpenApi({ ...closed, name: "vault", url: `${origin}/vault.json` })).rejects.toThrow(
      `Could not fetch the description from ${origin}/vault.json: HTTP request to "127.0.0.1" refused: loopback address (add it to the workspace's allowed hosts to permit it).`,
    );
    await expect(owner.connections.importOpenApi({ ...closed, name: "meta", url: "http://169.254.169.254/latest/meta-data/openapi.json" })).rejects.toThrow(
      'HTTP request to "169.254.169.254" refused: link-local address (cloud metadata service)',
    );
    await expect(owner.connections.importOpenApi({ ...open, name: "hop", url: `${origin}/elsewhere` })).rejects.toThrow(/HTTP request to "\[?::1\]?" refused: loopback address/);
    await expect(owner.connections.importOpenApi({ ...open, name: "down", url: `http://127.0.0.1:${closedPort}/openapi.json` })).rejects.toThrow(
      new RegExp(`^Could not fetch the description from http://127\\.0\\.0\\.1:${closedPort}/openapi\\.json: HTTP GET .* failed: .*ECONNREFUSED`),
    );
    await expect(owner.connections.importOpenApi({ ...open, name: "missing", url: `${origin}/nope.json` })).rejects.toThrow(`Could not fetch the description from ${origin}/nope.json: the server answered HTTP 404.`);
    await expect(owner.connections.importOpenApi({ ...open, name: "odd", url: "ftp://example.com/x" })).rejects.toThrow("The description URL must start with https:// or http://.");
    await expect(owner.connections.importOpenApi({ ...open, name: "both", url: `${origin}/vault.json`, text: "{}" })).rejects.toThrow("Give the description either as text or as a URL.");
    // Nothing was created by the refused imports.
    expect((await owner.connections.list(closed)).map((c) => c.name)).toEqual([]);
    expect((await owner.connections.list(open)).map((c) => c.name).sort()).toEqual(["relative", "vault"]);
  });

  it("refuses a broken description naming the places, and keeps the one it had", async () => {
    const broken = JSON.stringify({ openapi: "3.0.3", info: { title: "Broken", version: "1" }, paths: { "/x": { get: { parameters: [{ in: "query", schema: { type: "string" } }], responses: { "200": { description: "ok" } } } } } });
    const error = (await owner.connections.importOpenApi({ ...open, name: "vault", text: broken }).then(
      () => ({ message: "imported" }),
      (e: unknown) => e,
    )) as { message: string; cause?: { problems?: unknown } };
    expect(error.message).toContain("The API description cannot be imported:\n- At paths./x.get.parameters[0]:");
    expect(error.cause?.problems).toEqual([expect.objectContaining({ path: "paths./x.get.parameters[0]", message: expect.stringMatching(/^At paths\.\/x\.get\.parameters\[0\]: /) })]);
    await expect(owner.connections.importOpenApi({ ...open, name: "vault", text: '{ "openapi": "3.0.0", ' })).rejects.toThrow(/line 1, column \d+/);
    await expect(owner.connections.importOpenApi({ ...open, name: "vault", text: "just words" })).rejects.toThrow("The API description cannot be imported");
    expect((await owner.connections.get({ ...open, name: "vault" })).api).toMatchObject({ title: "1Password Connect", operationCount: 15 });
  });

  it("stores 844 operations of a real description and searches, filters and pages them in the database", async () => {
    const imported = await owner.connections.importOpenApi({ ...open, name: "netbox", text: NETBOX, baseUrl: "https://netbox.example.com/api" });
    expect(imported.operationCount).toBe(844);
    expect(await database.db.connectionOperation.count({ where: { connection: { name: "netbox" } } })).toBe(844);
    const source = await database.db.connection.findFirstOrThrow({ where: { name: "netbox" }, select: { descriptionSource: true } });
    expect(source.descriptionSource!.length).toBeLessThan(NETBOX.length / 5);

    const hit = await owner.connections.searchOperations({ ...open, name: "netbox", query: "dcim devices list" });
    expect(hit.items[0]).toMatchObject({ operationId: "dcim_devices_list", method: "GET", path: "/dcim/devices/" });
    const exact = await owner.connections.searchOperations({ ...open, name: "netbox", query: "ipam_prefixes_available-ips_create" });
    expect(exact.items[0]!.operationId).toBe("ipam_prefixes_available-ips_create");

    const tags = await owner.connections.tags({ ...open, name: "netbox" });
    const dcim = tags.find((t) => t.tag === "dcim")!;
    expect(dcim.count).toBeGreaterThan(100);
    const inTag = await owner.connections.searchOperations({ ...open, name: "netbox", tag: "dcim", limit: 10 });
    expect(inTag.total).toBe(dcim.count);
    expect(inTag.items.every((i) => i.tags.includes("dcim"))).toBe(true);
    const taggedSearch = await owner.connections.searchOperations({ ...open, name: "netbox", tag: "ipam", query: "devices" });
    expect(taggedSearch.items.every((i) => i.tags.includes("ipam"))).toBe(true);

    // Paging through everything gives every operation once, in the description's order.
    const seen: string[] = [];
    for (let cursor: number | null = 0; cursor !== null; ) {
      const page: Awaited<ReturnType<typeof owner.connections.searchOperations>> = await owner.connections.searchOperations({ ...open, name: "netbox", cursor, limit: 200 });
      seen.push(...page.items.map((i) => i.operationId));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(844);
    expect(new Set(seen).size).toBe(844);

    const details = await owner.connections.operation({ ...open, name: "netbox", operationId: "dcim_devices_create" });
    expect(details.operation).toMatchObject({ method: "POST", path: "/dcim/devices/" });
    expect(details.form.length).toBeGreaterThan(5);
    const drafts = await owner.connections.createDraftTools({ ...open, name: "netbox", operationIds: ["dcim_devices_list", "dcim_devices_create", "dcim_devices_read"] });
    expect(drafts.map((d) => d.name)).toEqual(["dcim_devices_list", "dcim_devices_create", "dcim_devices_read"]);

    // A new description replaces the operations: none of the old ones is left to find.
    await owner.connections.importOpenApi({ ...open, name: "netbox", text: VAULT_DESCRIPTION });
    expect((await owner.connections.searchOperations({ ...open, name: "netbox", query: "dcim" })).total).toBe(0);
    expect(await database.db.connectionOperation.count({ where: { connection: { name: "netbox" } } })).toBe(15);
  });
});
