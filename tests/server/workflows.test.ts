import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { onToolsChanged, type ToolsChanged } from "../../server/events";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";
import { ADD_TAX, clone } from "../helpers/workflows";

describe.each(TEST_PROVIDERS)("workflows, drafts and versions on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  const ws = { workspace: "flows" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    api = callerFor(database.db, await createUser(database.db));
    await api.workspace.create({ name: "Flows", slug: "flows" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("creates a workflow with a starter draft, refuses bad and duplicate names", async () => {
    await api.workflows.create({ ...ws, name: "lookup_customer", title: "Look up a customer", description: "Finds a customer." });
    const got = await api.workflows.get({ ...ws, name: "lookup_customer" });
    expect(got).toMatchObject({ revision: 0, status: { state: "draft" } });
    expect(got.draft.nodes.map((n) => n.type)).toEqual(["input", "output"]);
    await expect(api.workflows.create({ ...ws, name: "lookup customer" })).rejects.toThrow("Tool names are 1–64 characters");
    await expect(api.workflows.create({ ...ws, name: "lookup_customer" })).rejects.toThrow('A workflow named "lookup_customer" already exists');
  });

  it("creates from each use-case template: its graph under the chosen name, secrets named but not filled", async () => {
    // Its own workspace, so the list assertions below see only their workflows.
    await api.workspace.create({ name: "Templates", slug: "templates" });
    const ws = { workspace: "templates" };
    const templates = await api.workflows.templates(ws);
    expect(templates.map((t) => t.id)).toEqual(["crm_lookup", "support_ticket", "sales_report", "policy_search"]);
    expect(templates.find((t) => t.id === "sales_report")).toMatchObject({ secrets: ["SALES_DB_URL"] });
    for (const t of templates) {
      const name = `from_${t.id}`;
      await api.workflows.create({ ...ws, name, template: t.id });
      const got = await api.workflows.get({ ...ws, name });
      expect(got.draft.name).toBe(name);
      expect(got.draft.title).toBe(t.title);
      expect(got.draft.description).toBe(t.description);
      expect(got.draft.nodes).toHaveLength(t.nodeCount);
      // Publishing is refused until an owner adds the secret, and the message names it; a template that uses none
      // (the policy search reads the workspace's documents) publishes as it is.
      if (t.secrets.length) await expect(api.workflows.publish({ ...ws, name })).rejects.toThrow(t.secrets[0]!);
      else expect((await api.workflows.publish({ ...ws, name })).number).toBe(1);
    }
    const custom = await api.workflows.create({ ...ws, name: "my_report", title: "Weekly sales", description: "Mine.", template: "sales_report" });
    expect((await api.workflows.get({ ...ws, name: custom.name })).draft).toMatchObject({ name: "my_report", title: "Weekly sales", description: "Mine." });
    await expect(api.workflows.create({ ...ws, name: "x1", template: "nope" as "crm_lookup" })).rejects.toThrow();
    const audit = await database.db.auditEvent.findFirstOrThrow({ where: { target: "my_report" } });
    expect(audit.data).toEqual({ template: "sales_report" });
  });

  it("saves drafts with optimistic concurrency: a stale save is a conflict and loses nothing", async () => {
    const { draft } = await api.workflows.get({ ...ws, name: "lookup_customer" });
    const first = await api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision: 0, draft: { ...draft, description: "tab one" } });
    expect(first.revision).toBe(1);
    const stale = api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision: 0, draft: { ...draft, description: "tab two" } });
    await expect(stale).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("changed elsewhere") });
    expect((await api.workflows.get({ ...ws, name: "lookup_customer" })).draft.description).toBe("tab one");

    // Two saves racing on the same revision: exactly one wins.
    const results = await Promise.allSettled(
      ["a", "b"].map((d) => api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision: 1, draft: { ...draft, description: d } })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    const after = await api.workflows.get({ ...ws, name: "lookup_customer" });
    expect(after.revision).toBe(2);

    await expect(
      api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision: 2, draft: { format: "something/v9", name: "x" } }),
    ).rejects.toThrow('The file format must be "toolflow.workflow/v1"');
    // The tool name is fixed: a draft that renames it is refused and nothing changes.
    await expect(
      api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision: 2, draft: { ...draft, name: "renamed" } }),
    ).rejects.toThrow('The tool name cannot change: this draft says "renamed"');
    expect((await api.workflows.get({ ...ws, name: "lookup_customer" })).revision).toBe(2);
  });

  it("imports: a cycle is reported naming the node and nothing is saved", async () => {
    const bad = clone(ADD_TAX);
    bad.name = "cyclic";
    bad.nodes.push({ id: "again", type: "set", position: { x: 250, y: 150 }, params: { fields: [{ name: "x", value: "1" }] } });
    bad.edges!.push({ from: "calc", to: "again" }, { from: "again", to: "calc" });
    const error = await api.workflows.import({ ...ws, doc: bad }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "BAD_REQUEST" });
    // Over HTTP the error formatter sends these as `data.problems`; a direct caller finds them on the cause.
    const problems = (error as { cause?: { problems?: Array<{ nodeId?: string; message: string }> } }).cause?.problems;
    expect(problems?.some((p) => /cycle/i.test(p.message) && (p.nodeId === "calc" || p.nodeId === "again"))).toBe(true);
    expect(await database.db.workflow.count({ where: { name: "cyclic" } })).toBe(0);
  });

  it("publishes immutable versions, tracks changes since live, rolls back, restores, unpublishes", async () => {
    const events: ToolsChanged[] = [];
    const stop = onToolsChanged((e) => events.push(e));
    try {
      expect(await api.workflows.import({ ...ws, doc: ADD_TAX })).toMatchObject({ created: true });
      const v1 = await api.workflows.publish({ ...ws, name: "add_tax", note: "first" });
      expect(v1.number).toBe(1);
      let got = await api.workflows.get({ ...ws, name: "add_tax" });
      expect(got.status).toEqual({ state: "live", version: 1, changedSinceLive: false });

      const changed = clone(ADD_TAX);
      changed.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount * (1 + input.rate) }}" }] };
      await api.workflows.saveDraft({ ...ws, name: "add_tax", revision: got.revision, draft: changed });
      expect((await api.workflows.get({ ...ws, name: "add_tax" })).status).toMatchObject({ changedSinceLive: true });

      const v2 = await api.workflows.publish({ ...ws, name: "add_tax", note: "unrounded" });
      expect(v2.number).toBe(2);
      const versions = await api.workflows.versions({ ...ws, name: "add_tax" });
      expect(versions.map((v) => [v.number, v.note, v.live])).toEqual([[2, "unrounded", true], [1, "first", false]]);
      expect(versions[0]!.author).toMatchObject({ email: expect.stringContaining("@") });

      // The frozen version keeps its graph and compiled program whatever happens to the draft.
      const row = await database.db.workflowVersion.findFirstOrThrow({ where: { number: 1, workflow: { name: "add_tax" } } });
      expect(row.program.length).toBeGreaterThan(0);
      expect(row.inputSchema).toMatchObject({ type: "object", required: ["amount", "rate"] });
      expect((await api.workflows.version({ ...ws, name: "add_tax", number: 1 })).graph).toEqual(ADD_TAX);

      await api.workflows.makeLive({ ...ws, name: "add_tax", number: 1 });
      got = await api.workflows.get({ ...ws, name: "add_tax" });
      expect(got.status).toMatchObject({ state: "live", version: 1, changedSinceLive: true });

      await api.workflows.restoreToDraft({ ...ws, name: "add_tax", number: 1 });
      got = await api.workflows.get({ ...ws, name: "add_tax" });
      expect(got.draft).toEqual(ADD_TAX);
      expect(got.status).toMatchObject({ version: 1, changedSinceLive: false });

      await api.workflows.unpublish({ ...ws, name: "add_tax" });
      expect((await api.workflows.get({ ...ws, name: "add_tax" })).status).toEqual({ state: "draft" });
      await expect(api.workflows.unpublish({ ...ws, name: "add_tax" })).rejects.toThrow("is not published");
      expect(events.map((e) => e.reason)).toEqual(["publish", "publish", "rollback", "unpublish"]);

      const audit = await database.db.auditEvent.findMany({ where: { target: "add_tax" }, orderBy: { createdAt: "asc" } });
      expect(audit.map((a) => a.action)).toEqual([
        "workflow.import", "workflow.publish", "workflow.publish", "workflow.rollback", "workflow.restore", "workflow.unpublish",
      ]);
    } finally {
      stop();
    }
  });

  it("refuses to publish a draft with problems and creates no version", async () => {
    const { draft, revision } = await api.workflows.get({ ...ws, name: "lookup_customer" });
    const broken = { ...draft, edges: [{ from: "input", to: "nowhere" }] };
    await api.workflows.saveDraft({ ...ws, name: "lookup_customer", revision, draft: broken });
    await expect(api.workflows.publish({ ...ws, name: "lookup_customer" })).rejects.toThrow(/nowhere/);
    expect(await api.workflows.versions({ ...ws, name: "lookup_customer" })).toEqual([]);
  });

  it("re-importing an existing name replaces its draft, and publishing then makes the next version", async () => {
    await api.workflows.publish({ ...ws, name: "add_tax" });
    const next = clone(ADD_TAX);
    next.description = "Adds tax (v-next).";
    expect(await api.workflows.import({ ...ws, doc: next })).toMatchObject({ created: false });
    const published = await api.workflows.publish({ ...ws, name: "add_tax" });
    expect(published.number).toBe(4);
    expect(await api.workflows.export({ ...ws, name: "add_tax" })).toEqual(next);
  });

  it("test-runs the draft (or an unsaved graph) and records it as a test run", async () => {
    const run = await api.workflows.testRun({ ...ws, name: "add_tax", args: { amount: 100, rate: 0.07 } });
    expect(run).toMatchObject({ status: "ok", result: { structuredContent: { total: 107 } } });
    expect(run.trace.map((t) => [t.nodeId, t.status])).toEqual([["input", "ok"], ["calc", "ok"], ["out", "ok"]]);
    const unsaved = clone(ADD_TAX);
    unsaved.nodes[1]!.params = { fields: [{ name: "total", value: "{{ input.amount + 1 }}" }] };
    expect((await api.workflows.testRun({ ...ws, name: "add_tax", draft: unsaved, args: { amount: 1, rate: 0 } })).result.structuredContent).toEqual({ total: 2 });
    await expect(api.workflows.testRun({ ...ws, name: "add_tax", args: { amount: "x", rate: 0 } })).rejects.toThrow("Invalid test arguments");
    const recorded = await database.db.run.findUniqueOrThrow({ where: { id: run.runId } });
    expect(recorded).toMatchObject({ trigger: "test", status: "ok", versionId: null, clientName: "Toolflow editor" });
  });

  it("lists with status and search; archiving hides a workflow and takes it off the endpoint", async () => {
    const all = await api.workflows.list({ ...ws });
    expect(all.map((w) => [w.name, w.status.state])).toEqual([["add_tax", "live"], ["lookup_customer", "draft"]]);
    expect((await api.workflows.list({ ...ws, search: "CUSTOMER" })).map((w) => w.name)).toEqual(["lookup_customer"]);
    await api.workflows.archive({ ...ws, name: "add_tax" });
    expect((await api.workflows.list({ ...ws })).map((w) => w.name)).toEqual(["lookup_customer"]);
    expect((await database.db.workflow.findFirstOrThrow({ where: { name: "add_tax" } })).liveVersionId).toBeNull();
  });
});
