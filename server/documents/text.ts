// Text as passages keep it: decoded from the file's encoding, Unicode-normalised, without control characters.

/** UTF-8 (with or without a byte order mark), UTF-16 with one, else Windows-1252 (what old Windows tools write). */
export function decodeText(bytes: Uint8Array): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder("utf-16le").decode(bytes.subarray(2));
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder("utf-16be").decode(bytes.subarray(2));
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return new TextDecoder("windows-1252").decode(bytes);
  }
}

// C0/C1 controls but tab and newline, and the noncharacters: nothing a reader sees, and they would confuse snippets.
const INVISIBLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

/** One line's worth of text: normalised, invisible characters gone, runs of spaces (any kind) as one. */
export function cleanInline(text: string): string {
  return text.normalize("NFC").replace(INVISIBLE, "").replace(/[\s\u00A0\u2000-\u200B\u202F\u205F\u3000]+/g, " ").trim();
}

/** Line breaks as \n, kept; everything else as cleanInline does per line. */
export function cleanLines(text: string): string[] {
  return text.replace(/\r\n?/g, "\n").split("\n").map(cleanInline);
}
