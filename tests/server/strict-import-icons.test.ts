// Through the services on a real database (issue 16): importing a file with a key the format does not define is
// refused with the did-you-mean and nothing is saved; a file with icons imports, publishes, and its live tool carries
// them to tools/list (the version's meta keeps them).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";
import { ADD_TAX, clone } from "../helpers/workflows";
import { loadLiveTools } from "../../server/mcp/backend";

const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=";

describe.each(TEST_PROVIDERS)("strict import and tool icons on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  const ws = { workspace: "strict" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    api = callerFor(database.db, await createUser(database.db));
    await api.workspace.create({ name: "Strict", slug: "strict" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("refuses a file with a mistyped param, saying what was meant, and saves nothing", async () => {
    const typo = clone(ADD_TAX) as unknown as { name: string; nodes: Array<{ params: Record<string, unknown> }> };
    typo.name = "typo_tax";
    typo.nodes[2]!.params = { mode: "json", valeu: "{{ steps.calc }}" };
    const error = await api.workflows.import({ ...ws, doc: typo as never }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    expect((error as Error).message).toContain('The Tool result step "out" has a setting "valeu" that Tool result steps do not have. Did you mean "value"?');
    expect(await database.db.workflow.count({ where: { name: "typo_tax" } })).toBe(0);
  });

  it("keeps a file's icons through import and publish, and the live tool carries them", async () => {
    const doc = { ...clone(ADD_TAX), name: "iconic_tax", icons: [{ src: PNG, mimeType: "image/png", sizes: ["1x1"] }] };
    await api.workflows.import({ ...ws, doc });
    await api.workflows.publish({ ...ws, name: "iconic_tax", note: "with an icon" });
    expect((await api.workflows.export({ ...ws, name: "iconic_tax" })).icons).toEqual(doc.icons);
    const workspace = await database.db.workspace.findUniqueOrThrow({ where: { slug: "strict" } });
    const live = await loadLiveTools(database.db, workspace.id);
    expect(live.find((t) => t.name === "iconic_tax")?.icons).toEqual(doc.icons);
    // The file format's old shape still works: a tool without icons has none.
    await api.workflows.import({ ...ws, doc: clone(ADD_TAX) });
    await api.workflows.publish({ ...ws, name: "add_tax", note: "plain" });
    expect((await loadLiveTools(database.db, workspace.id)).find((t) => t.name === "add_tax")).not.toHaveProperty("icons");
  });
});
