// Document fixtures made in the test: PDFs with pdf-lib, Word documents with JSZip (the few parts a .docx needs), and
// ZIP archives that behave like bombs.
import JSZip from "jszip";
import { PDFDocument, StandardFonts } from "pdf-lib";

/** A PDF with one page per entry, each line of it drawn as text. */
export async function makePdf(pages: string[][]): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const lines of pages) {
    const page = doc.addPage([595, 842]);
    lines.forEach((line, i) => page.drawText(line, { x: 50, y: 780 - i * 18, size: 11, font }));
  }
  return doc.save();
}

export type DocxPart = { heading: 1 | 2 | 3; text: string } | { text: string };

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

function documentXml(parts: DocxPart[]): string {
  const body = parts
    .map((part) =>
      "heading" in part
        ? `<w:p><w:pPr><w:pStyle w:val="Heading${part.heading}"/></w:pPr><w:r><w:t>${escapeXml(part.text)}</w:t></w:r></w:p>`
        : `<w:p><w:r><w:t xml:space="preserve">${escapeXml(part.text)}</w:t></w:r></w:p>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`;
}

const STYLES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">${[1, 2, 3]
  .map((n) => `<w:style w:type="paragraph" w:styleId="Heading${n}"><w:name w:val="heading ${n}"/></w:style>`)
  .join("")}</w:styles>`;

/** A minimal valid .docx: content types, the package relationship, the document and heading styles. */
export function docxZip(parts: DocxPart[]): JSZip {
  const zip = new JSZip();
  zip.file(
    "[Content_Types].xml",
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>`,
  );
  zip.file(
    "_rels/.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
  );
  zip.file(
    "word/_rels/document.xml.rels",
    `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>`,
  );
  zip.file("word/document.xml", documentXml(parts));
  zip.file("word/styles.xml", STYLES);
  return zip;
}

export async function makeDocx(parts: DocxPart[]): Promise<Uint8Array> {
  return docxZip(parts).generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/** A .docx whose document part is `megabytes` MB of one repeated character: a ratio of about a thousand to one. */
export async function zipBombDocx(megabytes: number): Promise<Uint8Array> {
  const zip = docxZip([{ text: "hello" }]);
  zip.file("word/padding.xml", "0".repeat(megabytes * 1024 * 1024));
  return zip.generateAsync({ type: "uint8array", compression: "DEFLATE", compressionOptions: { level: 9 } });
}

/**
 * A bomb that lies: the directory and local headers of its big part say it unpacks to 1 KB, so only counting while
 * inflating can catch it.
 */
export async function lyingZipBombDocx(megabytes: number): Promise<Uint8Array> {
  const bytes = await zipBombDocx(megabytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const name = new TextEncoder().encode("word/padding.xml");
  for (let at = 0; at + 46 < bytes.byteLength; at++) {
    const signature = view.getUint32(at, true);
    // Local file header: uncompressed size at +22, name length at +26, name at +30.
    if (signature === 0x04034b50 && matches(bytes, at + 30, name) && view.getUint16(at + 26, true) === name.length) view.setUint32(at + 22, 1024, true);
    // Central directory header: uncompressed size at +24, name length at +28, name at +46.
    if (signature === 0x02014b50 && matches(bytes, at + 46, name) && view.getUint16(at + 28, true) === name.length) view.setUint32(at + 24, 1024, true);
  }
  return bytes;
}

function matches(bytes: Uint8Array, at: number, expected: Uint8Array): boolean {
  return expected.every((b, i) => bytes[at + i] === b);
}
