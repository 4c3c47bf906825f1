// completion/complete over a real HTTP endpoint with the Prisma backend (issue 16), stateful and stateless, on SQLite
// and PostgreSQL: a prompt argument's suggested values by what was typed, document names for an argument a document
// message embeds, document ids and names for the resource templates' variables, at most 100 values with total and
// hasMore, and plain errors for a prompt or argument that does not exist.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadDocument } from "../../server/services/documents";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { rpcError, startTestEndpoint, type TestEndpoint } from "../helpers/mcp-endpoint";
import { callerFor } from "../helpers/trpc";

const bytes = (s: string) => new TextEncoder().encode(s);

describe.each(TEST_PROVIDERS)("completion/complete on %s", (provider) => {
  let database: TestDatabase;
  let key: string;
  const ids: Record<string, string> = {};
  const endpoints: Record<"stateful" | "stateless", TestEndpoint | undefined> = { stateful: undefined, stateless: undefined };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const user = await createUser(database.db);
    const api = callerFor(database.db, user);
    const ws = { workspace: "completing" };
    const { id: workspaceId } = await api.workspace.create({ name: "Completing", slug: "completing" });
    key = (await api.keys.create({ ...ws, name: "completion" })).key;
    for (const name of ["travel-policy.md", "travel-faq.md", "handbook.md", "Expenses and travel.txt"]) {
      ids[name] = (await uploadDocument(database.db, workspaceId, user.id, { name, bytes: bytes(`# ${name}\n\nText of ${name}.`), ...(name === "travel-faq.md" ? { resourceUri: "faq://travel" } : {}) })).id;
    }
    const other = await api.workspace.create({ name: "Other", slug: "completing-other" });
    await uploadDocument(database.db, other.id, user.id, { name: "travel-secret.md", bytes: bytes("# Secret\n\nTheirs.") });
    await api.prompts.create({ ...ws, name: "trip" });
    await api.prompts.saveDraft({
      ...ws,
      name: "trip",
      revision: 0,
      draft: {
        name: "trip",
        description: "Plans a trip.",
        arguments: [
          { name: "city", required: true, values: ["Paris", "Parma", "Berlin", "Lisparis"] },
          { name: "doc", description: "A policy to follow" },
          { name: "notes" },
          { name: "code", values: Array.from({ length: 150 }, (_, i) => `v${String(i).padStart(3, "0")}`) },
        ],
        messages: [
          { role: "user", content: { type: "document", argument: "doc" } },
          { role: "user", content: { type: "text", text: "Plan a trip to {{ city }}. {{ notes }} {{ code }}" } },
        ],
      },
    });
    await api.prompts.publish({ ...ws, name: "trip" });
    endpoints.stateful = await startTestEndpoint(database);
    endpoints.stateless = await startTestEndpoint(database, { mode: "stateless" });
  });
  afterAll(async () => {
    await endpoints.stateful?.close();
    await endpoints.stateless?.close();
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it.each(["stateful", "stateless"] as const)("completes prompt arguments and template variables (%s)", async (mode) => {
    const { client } = await endpoints[mode]!.connect("completing", key);
    expect(client.getServerCapabilities()?.completions).toEqual({});
    const prompt = (name: string, value: string) => client.complete({ ref: { type: "ref/prompt", name: "trip" }, argument: { name, value } });
    const template = (uri: string, name: string, value: string) => client.complete({ ref: { type: "ref/resource", uri }, argument: { name, value } });

    expect((await prompt("city", "par")).completion).toEqual({ values: ["Paris", "Parma", "Lisparis"], total: 3, hasMore: false });
    expect((await prompt("city", "")).completion.values).toEqual(["Paris", "Parma", "Berlin", "Lisparis"]);
    expect((await prompt("city", "zzz")).completion).toEqual({ values: [], total: 0, hasMore: false });
    expect((await prompt("doc", "trav")).completion).toEqual({ values: ["travel-faq.md", "travel-policy.md", "Expenses and travel.txt"], total: 3, hasMore: false });
    expect((await prompt("doc", "faq:")).completion.values).toEqual(["faq://travel"]);
    expect((await prompt("notes", "any")).completion).toEqual({ values: [], total: 0, hasMore: false });
    const many = (await prompt("code", "v")).completion;
    expect(many).toMatchObject({ total: 150, hasMore: true });
    expect(many.values).toHaveLength(100);
    expect(many.values[0]).toBe("v000");

    expect((await template("toolflow://documents/{id}", "id", "trav")).completion.values).toEqual([ids["travel-faq.md"], ids["travel-policy.md"], ids["Expenses and travel.txt"]]);
    const id = ids["handbook.md"]!;
    expect((await template("toolflow://documents/{id}/text", "id", id.slice(0, 12))).completion.values).toContain(id);
    expect((await template("toolflow://documents/by-name/{name}", "name", "hand")).completion.values).toEqual(["handbook.md"]);
    expect((await template("toolflow://documents/by-name/{name}", "name", "secret")).completion.values).toEqual([]);
    expect((await template("elsewhere://{x}", "x", "a")).completion.values).toEqual([]);

    expect(await rpcError(client.complete({ ref: { type: "ref/prompt", name: "nope" }, argument: { name: "x", value: "" } }))).toMatchObject({
      code: -32602,
      message: expect.stringContaining('Unknown prompt "nope"'),
    });
    expect(await rpcError(prompt("weather", "s"))).toEqual({ code: -32602, message: 'MCP error -32602: Prompt "trip" has no argument "weather".' });
  });
});
