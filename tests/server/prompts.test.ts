// Prompt templates through the app's API (issue 16) on SQLite and PostgreSQL: drafts saved with optimistic
// concurrency, problems named by place, publish freezing an immutable version, one live version, rollback, delete,
// audit events, and roles (viewers read, editors write).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { uploadDocument } from "../../server/services/documents";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { callerFor } from "../helpers/trpc";

import { PNG_1PX } from "../helpers/images";

const SUMMARIZE = {
  name: "summarize",
  title: "Summarize a topic",
  description: "Summarizes a topic for an audience.",
  arguments: [
    { name: "topic", description: "What to summarize", required: true },
    { name: "audience", description: "Who reads it", values: ["engineers", "executives", "everyone"] },
  ],
  messages: [
    { role: "user", content: { type: "text", text: "Summarize {{ topic }} for {{audience}}." } },
    { role: "assistant", content: { type: "text", text: "Happy to." } },
  ],
};

describe.each(TEST_PROVIDERS)("prompt templates on %s", (provider) => {
  let database: TestDatabase;
  let api: ReturnType<typeof callerFor>;
  let viewer: ReturnType<typeof callerFor>;
  let workspaceId: string;
  const ws = { workspace: "prompting" };
  const previousDataDir = process.env.TOOLFLOW_DATA_DIR;

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    process.env.TOOLFLOW_DATA_DIR = database.env.TOOLFLOW_DATA_DIR;
    const owner = await createUser(database.db);
    const reader = await createUser(database.db);
    api = callerFor(database.db, owner);
    viewer = callerFor(database.db, reader);
    workspaceId = (await api.workspace.create({ name: "Prompting", slug: "prompting" })).id;
    await api.members.add({ ...ws, email: reader.email, role: "viewer" });
  });
  afterAll(async () => {
    process.env.TOOLFLOW_DATA_DIR = previousDataDir;
    await database?.cleanup();
  });

  it("creates a draft, saves it with conflict detection, and names what keeps it from being published", async () => {
    const created = await api.prompts.create({ ...ws, name: "summarize", title: "Summarize" });
    expect(created).toMatchObject({ name: "summarize", revision: 0 });
    await expect(api.prompts.create({ ...ws, name: "summarize" })).rejects.toMatchObject({ code: "CONFLICT", message: 'A prompt named "summarize" already exists in this workspace.' });
    await expect(api.prompts.create({ ...ws, name: "has spaces" })).rejects.toMatchObject({ code: "BAD_REQUEST" });

    const fresh = await api.prompts.get({ ...ws, name: "summarize" });
    expect(fresh.status).toEqual({ state: "draft" });
    expect(fresh.problems).toEqual([{ path: "messages[0].content.text", message: "Message 1 is empty; write its text or remove it." }]);

    const broken = {
      ...SUMMARIZE,
      arguments: [{ name: "topic" }, { name: "topic" }, { name: "2bad" }],
      messages: [
        { role: "user", content: { type: "text", text: "About {{ subject }} and {{ topic.name }}" } },
        { role: "user", content: { type: "document" } },
        { role: "user", content: { type: "document", argument: "missing" } },
        { role: "user", content: { type: "image", data: PNG_1PX, mimeType: "image/jpeg" } },
        { role: "user", content: { type: "document", documentId: "gone" } },
      ],
    };
    const saved = await api.prompts.saveDraft({ ...ws, name: "summarize", revision: 0, draft: broken });
    expect(saved.revision).toBe(1);
    expect(saved.problems.map((p) => p.message)).toEqual([
      'Argument 2: "topic" is already the name of another argument.',
      "Argument 3: a name is a letter or _ followed by letters, digits or _ (e.g. topic), as placeholders write it: {{ topic }}.",
      'Message 1 uses {{ subject }}, but the prompt has no argument "subject"; add it or fix the name.',
      "Message 1: {{ topic.name }} is not a placeholder; write an argument's name between the braces, e.g. {{ topic }}.",
      "Message 2: choose either a document or the argument that names one.",
      'Message 3 embeds the document named by "missing", but the prompt has no such argument.',
      "Message 4: The image is a PNG but is marked as JPEG.",
      "Message 5 embeds a document this workspace no longer has; choose another.",
    ]);
    await expect(api.prompts.publish({ ...ws, name: "summarize" })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: expect.stringContaining("The prompt has 8 problems to fix before publishing:\n- Argument 2"),
    });

    // A stale revision changes nothing; a malformed draft is refused naming its field; the name stays.
    await expect(api.prompts.saveDraft({ ...ws, name: "summarize", revision: 0, draft: SUMMARIZE })).rejects.toMatchObject({ code: "CONFLICT", message: expect.stringContaining("changed elsewhere (revision 1, yours was 0)") });
    await expect(api.prompts.saveDraft({ ...ws, name: "summarize", revision: 1, draft: { ...SUMMARIZE, messages: [{ role: "system", content: { type: "text", text: "x" } }] } })).rejects.toMatchObject({
      code: "BAD_REQUEST",
      message: "A message is from the user or the assistant.",
    });
    await expect(api.prompts.saveDraft({ ...ws, name: "summarize", revision: 1, draft: { ...SUMMARIZE, extra: true } })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(api.prompts.saveDraft({ ...ws, name: "summarize", revision: 1, draft: { ...SUMMARIZE, name: "renamed" } })).rejects.toMatchObject({ message: expect.stringContaining("The prompt name cannot change") });
    await expect(api.prompts.saveDraft({ ...ws, name: "summarize", revision: 1, draft: { ...SUMMARIZE, messages: [{ role: "user", content: { type: "image", data: "A".repeat(800_000), mimeType: "image/png" } }] } })).rejects.toMatchObject({
      message: "An image can be at most 512 KB.",
    });
    expect((await api.prompts.get({ ...ws, name: "summarize" })).revision).toBe(1);

    const good = await api.prompts.saveDraft({ ...ws, name: "summarize", revision: 1, draft: SUMMARIZE });
    expect(good).toEqual({ revision: 2, problems: [] });
    expect((await api.prompts.get({ ...ws, name: "summarize" })).title).toBe("Summarize a topic");
  });

  it("publishes immutable versions, one live; rolls back; lists status; audits each step", async () => {
    const first = await api.prompts.publish({ ...ws, name: "summarize", note: "first" });
    expect(first.number).toBe(1);
    expect((await api.prompts.list(ws))[0]).toMatchObject({ name: "summarize", status: { state: "live", version: 1, changedSinceLive: false } });

    const current = await api.prompts.get({ ...ws, name: "summarize" });
    await api.prompts.saveDraft({ ...ws, name: "summarize", revision: current.revision, draft: { ...SUMMARIZE, description: "Second take." } });
    expect((await api.prompts.list(ws))[0]!.status).toEqual({ state: "live", version: 1, changedSinceLive: true });
    expect((await api.prompts.publish({ ...ws, name: "summarize", note: "second" })).number).toBe(2);

    const versions = await api.prompts.versions({ ...ws, name: "summarize" });
    expect(versions.map((v) => [v.number, v.note, v.live])).toEqual([
      [2, "second", true],
      [1, "first", false],
    ]);
    expect((await api.prompts.version({ ...ws, name: "summarize", number: 1 })).definition.description).toBe("Summarizes a topic for an audience.");

    await api.prompts.rollback({ ...ws, name: "summarize", number: 1 });
    expect((await api.prompts.versions({ ...ws, name: "summarize" })).find((v) => v.live)?.number).toBe(1);
    // The draft stays as it was: a rollback changes what is served, not what is being edited.
    expect((await api.prompts.get({ ...ws, name: "summarize" })).draft.description).toBe("Second take.");
    await expect(api.prompts.rollback({ ...ws, name: "summarize", number: 9 })).rejects.toMatchObject({ code: "NOT_FOUND", message: "Version 9 does not exist." });

    const { events } = await api.settings.audit(ws);
    expect(events.filter((e) => e.action.startsWith("prompt.")).map((e) => [e.action, e.data])).toEqual([
      ["prompt.rollback", { from: 2, to: 1 }],
      ["prompt.publish", { version: 2, note: "second" }],
      ["prompt.publish", { version: 1, note: "first" }],
      ["prompt.create", null],
    ]);
  });

  it("embeds workspace documents by id; another workspace's id is a problem", async () => {
    const doc = await uploadDocument(database.db, workspaceId, null, { name: "faq.md", bytes: new TextEncoder().encode("# FAQ\n\nAnswers.") });
    const elsewhere = await api.workspace.create({ name: "Elsewhere", slug: "elsewhere-p" });
    const foreign = await uploadDocument(database.db, elsewhere.id, null, { name: "theirs.md", bytes: new TextEncoder().encode("# Theirs\n\nNot yours.") });
    await api.prompts.create({ ...ws, name: "with_doc" });
    const withForeign = { name: "with_doc", description: "Embeds a document.", messages: [{ role: "user", content: { type: "document", documentId: foreign.id } }] };
    const saved = await api.prompts.saveDraft({ ...ws, name: "with_doc", revision: 0, draft: withForeign });
    expect(saved.problems).toEqual([{ path: "messages[0].content.documentId", message: "Message 1 embeds a document this workspace no longer has; choose another." }]);
    const ok = await api.prompts.saveDraft({ ...ws, name: "with_doc", revision: 1, draft: { ...withForeign, messages: [{ role: "user", content: { type: "document", documentId: doc.id } }] } });
    expect(ok.problems).toEqual([]);
    expect((await api.prompts.publish({ ...ws, name: "with_doc" })).number).toBe(1);
  });

  it("lets viewers read and not write", async () => {
    expect((await viewer.prompts.list(ws)).map((p) => p.name)).toContain("summarize");
    expect((await viewer.prompts.get({ ...ws, name: "summarize" })).name).toBe("summarize");
    for (const attempt of [
      () => viewer.prompts.create({ ...ws, name: "planted" }),
      () => viewer.prompts.publish({ ...ws, name: "summarize" }),
      () => viewer.prompts.rollback({ ...ws, name: "summarize", number: 2 }),
      () => viewer.prompts.delete({ ...ws, name: "summarize" }),
    ]) {
      await expect(attempt()).rejects.toMatchObject({ code: "FORBIDDEN", message: "This needs the editor role; you are a viewer in this workspace." });
    }
  });

  it("deletes a prompt with its versions; the audit log keeps which was live", async () => {
    await api.prompts.delete({ ...ws, name: "with_doc" });
    await expect(api.prompts.get({ ...ws, name: "with_doc" })).rejects.toMatchObject({ code: "NOT_FOUND", message: 'There is no prompt named "with_doc" in this workspace.' });
    expect(await database.db.promptVersion.count({ where: { prompt: { name: "with_doc" } } })).toBe(0);
    const { events } = await api.settings.audit(ws);
    expect(events[0]).toMatchObject({ action: "prompt.delete", target: "with_doc", data: { versions: 1, live: 1 } });
    // The name is free again.
    expect((await api.prompts.create({ ...ws, name: "with_doc" })).revision).toBe(0);
  });
});
