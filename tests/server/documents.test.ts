// Workspace documents on both databases (issue 16): upload with versions, list, passages, delete; ranked search over a
// small shipped corpus (the expected document first for each query), stemming, hostile query strings, workspace
// isolation, filters; size limits and quotas within the operator's ceilings; role checks.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DocumentSearchResult } from "../../runtime/documents/contract";
import { DOCUMENT_LIMITS_VARIABLE } from "../../server/documents/limits";
import { searchDocuments, uploadDocument } from "../../server/services/documents";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { makeDocx, makePdf, zipBombDocx } from "../helpers/documents";
import { callerFor } from "../helpers/trpc";

const CORPUS = resolve(import.meta.dirname, "../fixtures/documents/corpus");
const corpusFiles = readdirSync(CORPUS).sort();
const bytes = (s: string) => new TextEncoder().encode(s);
const base64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** Queries over the corpus and the document each must rank first (the closing note lists what each database returned). */
const RANKING: Array<[string, string]> = [
  ["travelling abroad", "travel-policy.md"],
  ["expense receipts", "expenses-policy.html"],
  ["password", "information-security.txt"],
  ["parental leave", "leave-policy.md"],
  ["lost laptop", "information-security.txt"],
  ["internet allowance at home", "remote-work.txt"],
  ["gifts from suppliers", "code-of-conduct.md"],
  ["mileage reimbursement", "expenses-policy.html"],
  ['"sick leave" doctor', "leave-policy.md"],
];

const HOSTILE = [
  '"',
  '""',
  '"unterminated phrase',
  "NEAR(travel abroad, 2)",
  "travel NEAR/3 abroad",
  "*",
  "trav*",
  "^travel",
  "heading: travel",
  "{heading text}: travel",
  "travel AND OR NOT",
  "- -- ---",
  "-travel",
  "()",
  "((travel)",
  "travel & | ! <-> :* abroad",
  "'; DROP TABLE document; --",
  "\\",
  "\u0000travel\u0001",
  "🙂 travel 🙂",
  "a".repeat(5000),
  "travel ".repeat(200),
  "  ",
  "",
];

describe.each(TEST_PROVIDERS)("documents on %s", (provider) => {
  let database: TestDatabase;
  let owner: ReturnType<typeof callerFor>;
  let viewer: ReturnType<typeof callerFor>;
  let workspaceId: string;
  let otherWorkspaceId: string;
  const ws = { workspace: "library" };
  const ids = new Map<string, string>();
  const search = (query: string, extra: Record<string, unknown> = {}) => owner.documents.search({ ...ws, query, ...extra });

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const ownerUser = await createUser(database.db);
    owner = callerFor(database.db, ownerUser);
    workspaceId = (await owner.workspace.create({ name: "Library", slug: "library" })).id;
    otherWorkspaceId = (await owner.workspace.create({ name: "Other", slug: "other" })).id;
    const viewerUser = await createUser(database.db);
    await database.db.membership.create({ data: { workspaceId, userId: viewerUser.id, role: "viewer" } });
    viewer = callerFor(database.db, viewerUser);
    for (const file of corpusFiles) {
      const uploaded = await owner.documents.upload({ ...ws, name: file, base64: base64(readFileSync(join(CORPUS, file))), folder: "Policies", tags: ["policy"] });
      ids.set(file, uploaded.id);
    }
  });
  afterAll(async () => database?.cleanup());
  afterEach(() => {
    delete process.env[DOCUMENT_LIMITS_VARIABLE];
  });

  it("lists the uploaded documents with their type, size, version, folder, tags and uploader", async () => {
    const { documents, nextCursor } = await owner.documents.list(ws);
    expect(nextCursor).toBeNull();
    expect(documents.map((d) => d.name).sort()).toEqual(corpusFiles);
    const travel = documents.find((d) => d.name === "travel-policy.md")!;
    expect(travel).toMatchObject({ kind: "markdown", currentVersion: 1, folder: "Policies", tags: ["policy"], uploadedBy: { name: expect.any(String) }, sizeBytes: readFileSync(join(CORPUS, "travel-policy.md")).byteLength });
    expect(travel.passageCount).toBeGreaterThan(3);
    const page = await owner.documents.list({ ...ws, limit: 4 });
    const rest = await owner.documents.list({ ...ws, limit: 4, cursor: page.nextCursor! });
    expect([...page.documents, ...rest.documents].map((d) => d.name).sort()).toEqual(corpusFiles);
    expect((await owner.documents.facets(ws))).toEqual({ folders: ["Policies"], tags: ["policy"] });
    expect((await owner.documents.list({ ...ws, name: "TRAVEL" })).documents.map((d) => d.name)).toEqual(["travel-policy.md"]);
    expect((await owner.documents.usage(ws))).toMatchObject({ documents: corpusFiles.length, documentMaxBytes: 10 * 1024 * 1024, documentQuotaBytes: 200 * 1024 * 1024 });
  });

  it("ranks the expected document first for each query", async () => {
    const report: string[] = [];
    for (const [query, expected] of RANKING) {
      const results = await search(query, { limit: 5 });
      report.push(`${query} → ${results.slice(0, 3).map((r) => `${r.documentName} ${r.location.heading ?? (r.location.lines ? `lines ${r.location.lines.start}-${r.location.lines.end}` : "")} (${r.score})`).join("; ")}`);
      expect(results[0]?.documentName, query).toBe(expected);
      for (let i = 1; i < results.length; i++) expect(results[i]!.score).toBeLessThanOrEqual(results[i - 1]!.score);
    }
    console.log(`ranking on ${provider}:\n${report.join("\n")}`);
  });

  it("answers with the one result contract: location, version and a snippet with the matches marked", async () => {
    const [top] = await search("travelling abroad");
    expect(top).toEqual<DocumentSearchResult>({
      documentId: ids.get("travel-policy.md")!,
      documentName: "travel-policy.md",
      version: 1,
      location: { heading: "Travel policy › Travelling abroad" },
      score: expect.any(Number),
      snippet: expect.stringMatching(/«travelling» «abroad»/i),
    });
    expect(top!.score).toBeGreaterThan(0);
    const [lines] = await search("phishing");
    expect(lines).toMatchObject({ documentName: "information-security.txt", location: { lines: { start: expect.any(Number), end: expect.any(Number) } } });
    expect(lines!.snippet).toContain("«Phishing»");
  });

  it("finds other forms of a word (stemming): travelling finds travel, receipts finds receipt", async () => {
    const travel = await search("travelling", { limit: 50 });
    expect(travel[0]?.documentName).toBe("travel-policy.md");
    expect(travel.some((r) => /«travel»/i.test(r.snippet))).toBe(true);
    expect((await search("travels"))[0]?.documentName).toBe("travel-policy.md");
    expect((await search("receipts"))[0]?.snippet).toMatch(/«receipt»/);
  });

  it.runIf(provider === "postgresql")("stems in each document's language, and not at all with simple", async () => {
    const german = await owner.documents.upload({ ...ws, name: "reise.txt", language: "german", base64: base64(bytes("Dienstreisen ins Ausland müssen früh gebucht werden.")) });
    expect((await search("Dienstreise")).map((r) => r.documentName)).toContain("reise.txt");
    const simple = await owner.documents.upload({ ...ws, name: "plain.txt", language: "simple", base64: base64(bytes("Zebras travelled far.")) });
    expect((await search("travelled", { limit: 50 })).map((r) => r.documentName)).toContain("plain.txt");
    expect((await search("travel", { limit: 50 })).map((r) => r.documentName)).not.toContain("plain.txt");
    // Changing the language indexes the passages again.
    await owner.documents.update({ ...ws, id: simple.id, language: "english" });
    expect((await search("travel", { limit: 50 })).map((r) => r.documentName)).toContain("plain.txt");
    await owner.documents.delete({ ...ws, id: simple.id });
    await owner.documents.delete({ ...ws, id: german.id });
  });

  it("never errors on what people type: operators and punctuation are words or nothing", async () => {
    for (const query of HOSTILE) {
      const results = await search(query.slice(0, 1000));
      expect(Array.isArray(results), JSON.stringify(query.slice(0, 40))).toBe(true);
    }
    expect((await search("NEAR(travel abroad, 2)"))[0]?.documentName).toBe("travel-policy.md");
    expect(await search("-travel")).toEqual([]);
    expect(await search("")).toEqual([]);
    // Excluding a word drops passages that have it.
    const withoutVisa = await search("travel -visa", { limit: 50 });
    expect(withoutVisa.length).toBeGreaterThan(0);
    expect(withoutVisa.every((r) => !/visa/i.test(r.snippet))).toBe(true);
    await expect(search("x".repeat(1001))).rejects.toThrow("at most 1000 characters");
  });

  it("keeps workspaces apart: a search never returns another workspace's passages", async () => {
    const other = await uploadDocument(database.db, otherWorkspaceId, null, { name: "other-travel.txt", bytes: bytes("Travelling abroad: the other workspace's secret travel rules.") });
    const ours = await search("travelling abroad secret", { limit: 50 });
    expect(ours.length).toBeGreaterThan(0);
    expect(ours.some((r) => r.documentId === other.id)).toBe(false);
    const theirs = await searchDocuments(database.db, otherWorkspaceId, { query: "travelling abroad", limit: 50 });
    expect(theirs.map((r) => r.documentId)).toEqual([other.id]);
    // Nor can another workspace's document be read, changed or deleted by its id.
    await expect(owner.documents.get({ ...ws, id: other.id })).rejects.toThrow("does not exist in this workspace");
    await expect(owner.documents.delete({ ...ws, id: other.id })).rejects.toThrow("does not exist in this workspace");
  });

  it("filters by folder (and below) and by tags", async () => {
    const hr = await owner.documents.upload({ ...ws, name: "hr-travel.md", folder: " Policies / HR ", tags: ["hr", "policy"], base64: base64(bytes("# HR travel\n\nTravel for interviews is booked by HR.")) });
    expect(hr).toMatchObject({ folder: "Policies/HR", tags: ["hr", "policy"] });
    const names = async (extra: Record<string, unknown>) => (await search("travel", { limit: 50, ...extra })).map((r) => r.documentName);
    expect(new Set(await names({ folder: "Policies/HR" }))).toEqual(new Set(["hr-travel.md"]));
    expect(await names({ folder: "Policies" })).toContain("hr-travel.md");
    expect(await names({ folder: "Polic" })).toEqual([]);
    expect(new Set(await names({ tags: ["hr"] }))).toEqual(new Set(["hr-travel.md"]));
    expect(new Set(await names({ tags: ["hr", "policy"] }))).toEqual(new Set(["hr-travel.md"]));
    expect(await names({ tags: ["hr", "nope"] })).toEqual([]);
    await owner.documents.update({ ...ws, id: hr.id, tags: [], folder: "" });
    expect(await names({ tags: ["hr"] })).toEqual([]);
    expect((await owner.documents.list({ ...ws, folder: "Policies/HR" })).documents).toEqual([]);
    await owner.documents.delete({ ...ws, id: hr.id });
  });

  it("adds a version when the same name is uploaded again; older versions keep their metadata, search serves the latest", async () => {
    const v1 = await owner.documents.upload({ ...ws, name: "handbook.pdf", base64: base64(await makePdf([["Onboarding checklist"], ["Badge collection at reception"]])) });
    expect(v1).toMatchObject({ currentVersion: 1, kind: "pdf", versions: [{ number: 1, pageCount: 2, passageCount: 2 }] });
    expect((await search("badge"))[0]).toMatchObject({ documentName: "handbook.pdf", version: 1, location: { page: 2 } });
    const v2 = await owner.documents.upload({ ...ws, name: "handbook.pdf", base64: base64(await makePdf([["Onboarding checklist"], ["Parking permits"], ["Lanyards at reception"]])) });
    expect(v2.id).toBe(v1.id);
    expect(v2.versions.map((v) => [v.number, v.pageCount, v.uploadedBy?.name])).toEqual([[2, 3, expect.any(String)], [1, 2, expect.any(String)]]);
    expect(await search("badge")).toEqual([]);
    expect((await search("lanyards"))[0]).toMatchObject({ documentId: v1.id, version: 2, location: { page: 3 } });
    const stored = await database.db.documentVersion.findMany({ where: { documentId: v1.id }, orderBy: { number: "asc" }, select: { number: true, content: true } });
    expect(stored.map((v) => [v.number, v.content === null])).toEqual([[1, true], [2, false]]);
    const preview = await owner.documents.passages({ ...ws, id: v1.id, limit: 2 });
    expect(preview.passages.map((p) => [p.ordinal, p.page])).toEqual([[0, 1], [1, 2]]);
    expect((await owner.documents.passages({ ...ws, id: v1.id, cursor: preview.nextCursor! })).passages.map((p) => p.text)).toEqual(["Lanyards at reception"]);
  });

  it("deleting a document removes it from the list and from search", async () => {
    const doc = await owner.documents.upload({ ...ws, name: "temp.docx", base64: base64(await makeDocx([{ heading: 1, text: "Temporary" }, { text: "Xylophone lessons are not reimbursed." }])) });
    expect((await search("xylophone"))[0]).toMatchObject({ documentId: doc.id, location: { heading: "Temporary" } });
    await owner.documents.delete({ ...ws, id: doc.id });
    expect(await search("xylophone")).toEqual([]);
    expect(await database.db.documentPassage.count({ where: { documentId: doc.id } })).toBe(0);
    // On SQLite the cascade fired the trigger: the FTS5 index still agrees with its content table, row for row.
    if (provider === "sqlite") await database.db.$executeRawUnsafe(`INSERT INTO "document_passage_fts" ("document_passage_fts", "rank") VALUES ('integrity-check', 1)`);
    await expect(owner.documents.get({ ...ws, id: doc.id })).rejects.toThrow("does not exist");
  });

  it("refuses files above the size limit and uploads past the quota, within the operator's ceilings", async () => {
    await owner.workspace.create({ name: "Small", slug: "small" });
    const small = { workspace: "small" };
    await owner.settings.update({ ...small, settings: { documentMaxBytes: 2048, documentQuotaBytes: 1024 * 1024 } });
    await expect(owner.documents.upload({ ...small, name: "big.txt", base64: base64(bytes("word ".repeat(1000))) })).rejects.toThrow(
      '"big.txt" is 4.9 KB; documents can be at most 2 KB in this workspace',
    );
    await owner.settings.update({ ...small, settings: { documentMaxBytes: 700 * 1024 } });
    const chunk = bytes(`${"quota words fill the space. ".repeat(20_000)}`);
    await owner.documents.upload({ ...small, name: "a.txt", base64: base64(chunk) });
    await expect(owner.documents.upload({ ...small, name: "b.txt", base64: base64(chunk) })).rejects.toThrow("would go over their quota of 1 MB");
    // Replacing a document counts its new size instead of the old one.
    await owner.documents.upload({ ...small, name: "a.txt", base64: base64(chunk) });
    expect(await owner.documents.usage(small)).toMatchObject({ usedBytes: chunk.byteLength, documents: 1 });

    process.env[DOCUMENT_LIMITS_VARIABLE] = JSON.stringify({ documentMaxBytes: 4096 });
    await expect(owner.settings.update({ ...small, settings: { documentMaxBytes: 8192 } })).rejects.toThrow(
      "A document can be at most 4 KB on this server (TOOLFLOW_MAX_DOCUMENT_LIMITS).",
    );
    // A setting stored before the ceiling was lowered is cut to it.
    await expect(owner.documents.upload({ ...small, name: "c.txt", base64: base64(bytes("x ".repeat(3000))) })).rejects.toThrow("documents can be at most 4 KB on this server");
    expect(await owner.documents.usage(small)).toMatchObject({ documentMaxBytes: 4096, ceilings: { documentMaxBytes: 4096 } });
  });

  it("refuses unsupported, mislabelled and broken files with a sentence naming the file", async () => {
    await expect(owner.documents.upload({ ...ws, name: "old.doc", base64: base64(bytes("x")) })).rejects.toThrow("save it as .docx");
    await expect(owner.documents.upload({ ...ws, name: "paper.txt", base64: base64(await makePdf([["x"]])) })).rejects.toThrow("its content is a PDF");
    await expect(owner.documents.upload({ ...ws, name: "broken.pdf", base64: base64(bytes("%PDF-1.4\nnot really")) })).rejects.toThrow('"broken.pdf" could not be read as a PDF');
    await expect(owner.documents.upload({ ...ws, name: "a/b.txt", base64: base64(bytes("x")) })).rejects.toThrow("cannot contain /");
    await expect(owner.documents.upload({ ...ws, name: "bomb.docx", base64: base64(await zipBombDocx(24)) })).rejects.toThrow("which is what a ZIP bomb does");
    await expect(owner.documents.upload({ ...ws, name: "scan.pdf", base64: base64(await makePdf([[]])) })).rejects.toThrow("No text was found");
    expect((await owner.documents.list({ ...ws, name: "broken" })).documents).toEqual([]);
  });

  it("lets viewers list, read and search, but only editors upload, change or delete", async () => {
    expect((await viewer.documents.search({ ...ws, query: "password" }))[0]?.documentName).toBe("information-security.txt");
    expect((await viewer.documents.get({ ...ws, id: ids.get("leave-policy.md")! })).name).toBe("leave-policy.md");
    await expect(viewer.documents.upload({ ...ws, name: "v.txt", base64: base64(bytes("x")) })).rejects.toThrow("This needs the editor role");
    await expect(viewer.documents.delete({ ...ws, id: ids.get("leave-policy.md")! })).rejects.toThrow("This needs the editor role");
    await expect(viewer.documents.update({ ...ws, id: ids.get("leave-policy.md")!, tags: ["x"] })).rejects.toThrow("This needs the editor role");
    const stranger = callerFor(database.db, await createUser(database.db));
    await expect(stranger.documents.search({ ...ws, query: "password" })).rejects.toThrow('Workspace "library" was not found');
  });
});
