// A file's passages, by its (already checked) kind. This is the heavy part of an upload: it runs in a worker thread
// (extractor.ts), never on the server's event loop.
import type { DocumentKind } from "./kinds";
import { toPassages, type Passage } from "./passages";
import { DocumentRefused } from "./refusal";
import { decodeText } from "./text";
import { docxBlocks } from "./extract/docx";
import { htmlBlocks } from "./extract/html";
import { markdownBlocks } from "./extract/markdown";
import { pdfBlocks } from "./extract/pdf";
import { plainTextBlocks } from "./extract/plain";

export interface Extracted {
  passages: Passage[];
  pageCount: number | null;
  textChars: number;
}

export async function extractDocument(name: string, kind: DocumentKind, bytes: Uint8Array): Promise<Extracted> {
  let pageCount: number | null = null;
  let passages: Passage[];
  switch (kind) {
    case "pdf": {
      const pdf = await pdfBlocks(name, bytes);
      pageCount = pdf.pageCount;
      passages = toPassages(pdf.blocks);
      break;
    }
    case "docx":
      passages = toPassages(await docxBlocks(name, bytes));
      break;
    case "html":
      passages = toPassages(htmlBlocks(decodeText(bytes)));
      break;
    case "markdown":
      passages = toPassages(markdownBlocks(decodeText(bytes)));
      break;
    case "text":
      passages = toPassages(plainTextBlocks(decodeText(bytes)));
      break;
  }
  if (!passages.length) {
    const why = kind === "pdf" ? " A scanned PDF holds only pictures of pages; run it through text recognition (OCR) first." : "";
    throw new DocumentRefused("no_text", `No text was found in "${name}".${why}`);
  }
  return { passages, pageCount, textChars: passages.reduce((n, p) => n + p.text.length, 0) };
}
