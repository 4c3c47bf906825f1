// What a file's bytes are, whatever its name says: the first bytes of the formats people upload by mistake, and
// whether the rest reads as text. A file is read as the type its extension names only when its content agrees.
import { KIND_INFO, type DocumentKind } from "./kinds";
import { DocumentRefused } from "./refusal";

export type ContentType = "pdf" | "zip" | "old-office" | "image" | "archive" | "program" | "binary" | "text";

const SIGNATURES: Array<{ type: ContentType; bytes: number[]; label: string }> = [
  { type: "zip", bytes: [0x50, 0x4b, 0x03, 0x04], label: "a ZIP archive" },
  { type: "zip", bytes: [0x50, 0x4b, 0x05, 0x06], label: "an empty ZIP archive" },
  { type: "old-office", bytes: [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], label: "an old Office file (.doc, .xls or .ppt)" },
  { type: "image", bytes: [0x89, 0x50, 0x4e, 0x47], label: "a PNG image" },
  { type: "image", bytes: [0xff, 0xd8, 0xff], label: "a JPEG image" },
  { type: "image", bytes: [0x47, 0x49, 0x46, 0x38], label: "a GIF image" },
  { type: "archive", bytes: [0x1f, 0x8b], label: "a gzip archive" },
  { type: "archive", bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], label: "a 7-Zip archive" },
  { type: "program", bytes: [0x7f, 0x45, 0x4c, 0x46], label: "a program (ELF)" },
  { type: "program", bytes: [0x4d, 0x5a], label: "a Windows program" },
];

const PDF_MAGIC = Buffer.from("%PDF-");

export interface Sniffed {
  type: ContentType;
  /** "a PDF", "a ZIP archive"…: for messages. */
  label: string;
}

export function sniffContent(bytes: Uint8Array): Sniffed {
  // PDF readers accept the header anywhere in the first kilobyte (some writers put junk before it).
  if (Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024)).includes(PDF_MAGIC)) return { type: "pdf", label: "a PDF" };
  for (const signature of SIGNATURES) {
    if (signature.bytes.every((b, i) => bytes[i] === b)) return { type: signature.type, label: signature.label };
  }
  return looksLikeText(bytes) ? { type: "text", label: "text" } : { type: "binary", label: "binary data" };
}

/** Text has no NUL bytes (UTF-16 aside, which starts with its byte order mark) and few other control characters. */
function looksLikeText(bytes: Uint8Array): boolean {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) return true;
  const sample = bytes.subarray(0, 64 * 1024);
  let control = 0;
  for (const b of sample) {
    if (b === 0) return false;
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c) control++;
  }
  return control <= sample.length * 0.01;
}

/**
 * Refuses a file whose content is not what its name says: a PDF must start like one, a Word document must be a ZIP
 * archive (its parts are checked when it is opened), and Markdown, HTML and text files must be text.
 */
export function checkContentMatches(name: string, kind: DocumentKind, bytes: Uint8Array): void {
  if (bytes.byteLength === 0) throw new DocumentRefused("corrupt", `"${name}" is empty.`);
  const sniffed = sniffContent(bytes);
  const ok = kind === "pdf" ? sniffed.type === "pdf" : kind === "docx" ? sniffed.type === "zip" : sniffed.type === "text";
  if (ok) return;
  if (kind === "pdf" && sniffed.type === "text") throw new DocumentRefused("corrupt", `"${name}" is not a valid PDF: it does not start with a PDF header. The file may be damaged or only named .pdf.`);
  if (kind === "docx" && sniffed.type === "old-office") {
    throw new DocumentRefused("wrong_type", `"${name}" is an old Word file (.doc) named .docx; save it as .docx in Word and upload that.`);
  }
  throw new DocumentRefused("wrong_type", `"${name}" is named as ${KIND_INFO[kind].noun} but its content is ${sniffed.label}. Upload the right file, or give it the extension of what it is.`);
}
