// Extracted text as passages a search result can point to. Extractors give blocks (a paragraph, a list item, a page's
// lines) with where they sit; consecutive blocks in the same place are joined up to about a screenful, and a block
// longer than that is cut at sentence ends (else at spaces), so a snippet never has to come from a whole chapter.
import { DocumentRefused } from "./refusal";

export interface Block {
  text: string;
  /** PDF: the page, from 1. */
  page?: number;
  /** DOCX, Markdown, HTML: the headings above the block, outermost first. */
  headings?: string[];
  /** Plain text: the lines the block spans, from 1. */
  lineStart?: number;
  lineEnd?: number;
}

export interface Passage {
  ordinal: number;
  text: string;
  page: number | null;
  /** The heading path, "Travel policy › Booking". */
  heading: string | null;
  lineStart: number | null;
  lineEnd: number | null;
}

export const HEADING_SEPARATOR = " › ";
/** Characters a passage grows to before a new one starts. */
export const PASSAGE_TARGET_CHARS = 1000;
/** A passage is never longer than this: a longer block is cut. */
export const PASSAGE_MAX_CHARS = 1600;
/** Beyond these a file is refused rather than indexed (it is not a document a person reads). */
export const MAX_TEXT_CHARS = 20_000_000;
export const MAX_PASSAGES = 50_000;
const MAX_HEADING_CHARS = 500;

function headingPath(headings: string[] | undefined): string | null {
  if (!headings?.length) return null;
  const path = headings.join(HEADING_SEPARATOR);
  return path.length > MAX_HEADING_CHARS ? `…${path.slice(-(MAX_HEADING_CHARS - 1))}` : path;
}

/** Cuts text longer than the maximum at the last sentence end (or space) before it. */
export function cutLong(text: string, max = PASSAGE_MAX_CHARS): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const sentence = Math.max(window.lastIndexOf(". "), window.lastIndexOf("? "), window.lastIndexOf("! "), window.lastIndexOf("; "));
    const space = window.lastIndexOf(" ");
    const at = sentence > max / 2 ? sentence + 1 : space > max / 2 ? space : max;
    pieces.push(rest.slice(0, at).trim());
    rest = rest.slice(at).trim();
  }
  if (rest) pieces.push(rest);
  return pieces;
}

export function toPassages(blocks: Iterable<Block>): Passage[] {
  const passages: Passage[] = [];
  let total = 0;
  // The passage being filled and the place it is about (page and heading path): a block elsewhere starts a new one.
  let open: { passage: Passage; place: string } | undefined;
  const close = () => {
    if (!open) return;
    if (passages.length >= MAX_PASSAGES) throw new DocumentRefused("too_complex", `The file has more than ${MAX_PASSAGES.toLocaleString("en-US")} passages of text; split it into smaller documents.`);
    passages.push(open.passage);
    open = undefined;
  };
  for (const block of blocks) {
    const text = block.text.trim();
    if (!text) continue;
    total += text.length;
    if (total > MAX_TEXT_CHARS) throw new DocumentRefused("too_complex", `The file holds more than ${MAX_TEXT_CHARS.toLocaleString("en-US")} characters of text; split it into smaller documents.`);
    const heading = headingPath(block.headings);
    const place = `${block.page ?? ""}\u0000${heading ?? ""}`;
    for (const piece of cutLong(text)) {
      if (open && open.place === place && open.passage.text.length + 1 + piece.length <= PASSAGE_TARGET_CHARS) {
        open.passage.text += `\n${piece}`;
        if (block.lineEnd !== undefined) open.passage.lineEnd = block.lineEnd;
        continue;
      }
      close();
      const passage = { ordinal: passages.length, text: piece, page: block.page ?? null, heading, lineStart: block.lineStart ?? null, lineEnd: block.lineEnd ?? null };
      open = { passage, place };
    }
  }
  close();
  return passages;
}
