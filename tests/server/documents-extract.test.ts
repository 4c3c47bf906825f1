// Text extraction of each document format (issue 16): passages keep where they are (PDF page, heading path, lines),
// and files that are not what they claim, damaged, or built to exhaust the server are refused with a sentence.
import JSZip from "jszip";
import { describe, expect, it } from "vitest";
import { extractDocument } from "../../server/documents/extract";
import { extractInWorker } from "../../server/documents/extractor";
import { kindFromName } from "../../server/documents/kinds";
import { toPassages, PASSAGE_MAX_CHARS } from "../../server/documents/passages";
import type { DocumentRefused } from "../../server/documents/refusal";
import { checkContentMatches } from "../../server/documents/sniff";
import { docxZip, lyingZipBombDocx, makeDocx, makePdf, zipBombDocx } from "../helpers/documents";

const text = (s: string) => new TextEncoder().encode(s);

async function refusal(work: Promise<unknown> | (() => unknown)): Promise<DocumentRefused> {
  try {
    await (typeof work === "function" ? work() : work);
  } catch (error) {
    return error as DocumentRefused;
  }
  throw new Error("expected the file to be refused");
}

describe("document extraction", () => {
  it("reads a two-page PDF in a worker thread, each passage on its page", async () => {
    const pdf = await makePdf([["Travel policy", "Book flights through the portal."], ["Expenses", "Keep every receipt for three months."]]);
    const extracted = await extractInWorker("policy.pdf", "pdf", pdf);
    expect(extracted.pageCount).toBe(2);
    expect(extracted.passages.map((p) => [p.page, p.text])).toEqual([
      [1, "Travel policy Book flights through the portal."],
      [2, "Expenses Keep every receipt for three months."],
    ]);
    expect(extracted.passages.every((p) => p.heading === null && p.lineStart === null)).toBe(true);
  });

  it("reads a Word document with its heading path", async () => {
    const docx = await makeDocx([
      { heading: 1, text: "Leave policy" },
      { text: "Annual leave is 25 days." },
      { heading: 2, text: "Parental leave" },
      { text: "Sixteen weeks, paid." },
      { heading: 1, text: "Sick leave" },
      { text: "Tell your manager before 10:00." },
    ]);
    const extracted = await extractInWorker("leave.docx", "docx", docx);
    expect(extracted.passages.map((p) => [p.heading, p.text])).toEqual([
      ["Leave policy", "Annual leave is 25 days."],
      ["Leave policy › Parental leave", "Sixteen weeks, paid."],
      ["Sick leave", "Tell your manager before 10:00."],
    ]);
  });

  it("reads Markdown without its markup, under its headings", async () => {
    const md = "# Travel\n\nBook **early** via [the portal](https://x.example).\n\n## Abroad\n\n- Passport valid\n- Visa `checked`\n\n| Item | Limit |\n|---|---|\n| Hotel | 180 |\n";
    const { passages } = await extractDocument("t.md", "markdown", text(md));
    expect(passages.map((p) => [p.heading, p.text])).toEqual([
      ["Travel", "Book early via the portal."],
      ["Travel › Abroad", "Passport valid\nVisa checked\nItem | Limit\nHotel | 180"],
    ]);
  });

  it("reads HTML's visible text under its headings and skips scripts, styles and the head", async () => {
    const html = `<html><head><title>T</title><style>p{}</style></head><body><h1>Expenses</h1><p>Claim within &amp; 30 days.</p>
      <script>secret()</script><h2>Receipts</h2><ul><li>Itemised</li><li>Kept</li></ul><h3></h3><table><tr><td>A</td><td>B</td></tr></table></body></html>`;
    const { passages } = await extractDocument("e.html", "html", text(html));
    expect(passages.map((p) => [p.heading, p.text])).toEqual([
      ["Expenses", "Claim within & 30 days."],
      ["Expenses › Receipts", "Itemised\nKept\nA B"],
    ]);
    expect(JSON.stringify(passages)).not.toContain("secret");
  });

  it("reads plain text as paragraphs with their line range, in UTF-8, UTF-16 or Windows-1252", async () => {
    const body = "Passwords\nUse a manager.\n\n\nLaptops\nLock the screen.\nEncrypt it.\n";
    const { passages } = await extractDocument("s.txt", "text", text(body));
    expect(passages.map((p) => [p.lineStart, p.lineEnd, p.text])).toEqual([[1, 7, "Passwords\nUse a manager.\nLaptops\nLock the screen.\nEncrypt it."]]);
    // Long enough that the paragraphs do not fit one passage: each keeps its own lines.
    const long = `${"a ".repeat(400)}\n\n${"b ".repeat(400)}\nsecond line\n`;
    expect((await extractDocument("l.txt", "text", text(long))).passages.map((p) => [p.lineStart, p.lineEnd])).toEqual([[1, 1], [3, 4]]);
    const utf16 = new Uint8Array([0xff, 0xfe, ...Buffer.from("Café policy", "utf16le")]);
    expect((await extractDocument("u.txt", "text", utf16)).passages[0]!.text).toBe("Café policy");
    expect((await extractDocument("w.txt", "text", new Uint8Array([0x43, 0x61, 0x66, 0xe9]))).passages[0]!.text).toBe("Café");
  });

  it("cuts long paragraphs into passages at sentence ends", () => {
    const sentence = "Employees must book travel through the portal. ";
    const passages = toPassages([{ text: sentence.repeat(100), headings: ["Travel"] }]);
    expect(passages.length).toBeGreaterThan(2);
    for (const p of passages) {
      expect(p.text.length).toBeLessThanOrEqual(PASSAGE_MAX_CHARS);
      expect(p.text.endsWith("portal.")).toBe(true);
      expect(p.heading).toBe("Travel");
    }
  });

  it("knows types by extension, names what it accepts, and points old formats to a better one", () => {
    expect(kindFromName("Policy.PDF")).toEqual({ kind: "pdf" });
    expect(kindFromName("notes.markdown")).toEqual({ kind: "markdown" });
    expect(kindFromName("old.doc")).toEqual({ problem: expect.stringContaining("save it as .docx") });
    expect(kindFromName("photo.png")).toEqual({ problem: expect.stringContaining("(.pdf, .docx, .md, .markdown, .html, .htm, .txt, .text)") });
    expect(kindFromName("README")).toEqual({ problem: expect.stringContaining("has no file extension") });
  });

  it("refuses files whose content is not what their name says", async () => {
    const pdf = await makePdf([["x"]]);
    expect(await refusal(() => checkContentMatches("notes.txt", "text", pdf))).toMatchObject({ reason: "wrong_type", message: expect.stringContaining("named as a text file but its content is a PDF") });
    expect(await refusal(() => checkContentMatches("fake.pdf", "pdf", text("just words")))).toMatchObject({ reason: "corrupt", message: expect.stringContaining("does not start with a PDF header") });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0]);
    expect(await refusal(() => checkContentMatches("image.docx", "docx", png))).toMatchObject({ reason: "wrong_type", message: expect.stringContaining("its content is a PNG image") });
    expect(await refusal(() => checkContentMatches("page.html", "html", new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])))).toMatchObject({ reason: "wrong_type" });
    expect(await refusal(() => checkContentMatches("empty.md", "markdown", new Uint8Array()))).toMatchObject({ reason: "corrupt", message: '"empty.md" is empty.' });
    // A ZIP that is not a Word document.
    const zip = new JSZip();
    zip.file("hello.txt", "hi");
    expect(await refusal(extractDocument("archive.docx", "docx", await zip.generateAsync({ type: "uint8array" })))).toMatchObject({ reason: "wrong_type", message: expect.stringContaining("no word/document.xml") });
  });

  it("refuses damaged PDFs and Word documents, and PDFs without text", async () => {
    const broken = await refusal(extractInWorker("broken.pdf", "pdf", text("%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage")));
    expect(broken).toMatchObject({ reason: "corrupt", message: expect.stringContaining('"broken.pdf" could not be read as a PDF') });
    const whole = await makePdf([["Some text"]]);
    expect(await refusal(extractInWorker("cut.pdf", "pdf", whole.slice(0, whole.byteLength / 3)))).toMatchObject({ reason: "corrupt" });
    const docx = await makeDocx([{ text: "hello" }]);
    expect(await refusal(extractInWorker("cut.docx", "docx", docx.slice(0, docx.byteLength - 40)))).toMatchObject({ reason: "corrupt" });
    expect(await refusal(extractInWorker("blank.pdf", "pdf", await makePdf([[], []])))).toMatchObject({ reason: "no_text", message: expect.stringContaining("OCR") });
  });

  it("refuses ZIP bombs from the directory, and ones whose directory lies while they are inflated", async () => {
    const honest = await zipBombDocx(24);
    expect(honest.byteLength).toBeLessThan(200_000);
    expect(await refusal(extractInWorker("bomb.docx", "docx", honest))).toMatchObject({ reason: "zip_bomb", message: expect.stringContaining("more than 100 times its size") });
    const lying = await lyingZipBombDocx(24);
    expect(await refusal(extractInWorker("liar.docx", "docx", lying))).toMatchObject({ reason: "zip_bomb" });
    // Too many entries, counted from the end record before JSZip reads the directory.
    const many = docxZip([{ text: "x" }]);
    for (let i = 0; i < 2100; i++) many.file(`word/part${i}.xml`, "");
    expect(await refusal(extractInWorker("many.docx", "docx", await many.generateAsync({ type: "uint8array" })))).toMatchObject({ reason: "zip_bomb", message: expect.stringContaining("entries") });
  });

  it("hands the worker exactly the file's bytes, also when they are a view into a larger buffer", async () => {
    const file = text("# Only this\n\nThe right bytes.");
    const pool = Buffer.concat([Buffer.from("# Not this\n\nOther bytes.\n\n"), Buffer.from(file), Buffer.from("\n\n# Nor this")]);
    const view = pool.subarray(26, 26 + file.byteLength);
    expect(view.toString()).toBe("# Only this\n\nThe right bytes.");
    const { passages } = await extractInWorker("view.md", "markdown", view);
    expect(passages.map((p) => [p.heading, p.text])).toEqual([["Only this", "The right bytes."]]);
    expect(pool.byteLength).toBeGreaterThan(view.byteLength); // the caller's buffer is still whole (not transferred away)
  });

  it("stops an extraction that needs more memory than the worker may have", async () => {
    const pdf = await makePdf(Array.from({ length: 40 }, (_, i) => [`Page ${i + 1}`, "Some text on the page."]));
    expect(await refusal(extractInWorker("heavy.pdf", "pdf", pdf, { memoryMb: 4 }))).toMatchObject({ reason: "too_complex", message: expect.stringContaining("needed more than 4 MB of memory") });
  });

  it("stops an extraction that takes longer than its time limit", async () => {
    const pdf = await makePdf([["slow"]]);
    expect(await refusal(extractInWorker("slow.pdf", "pdf", pdf, { timeoutMs: 1 }))).toMatchObject({ reason: "too_complex", message: expect.stringContaining("took longer than") });
  });
});
