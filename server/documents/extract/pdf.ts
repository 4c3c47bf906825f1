// PDF: the text of each page (pdf.js, as unpdf packages it for servers), as paragraphs on that page.
import { extractText, getDocumentProxy } from "unpdf";
import type { Block } from "../passages";
import { DocumentRefused } from "../refusal";
import { cleanLines } from "../text";

export const MAX_PDF_PAGES = 5000;

export async function pdfBlocks(name: string, bytes: Uint8Array): Promise<{ blocks: Block[]; pageCount: number }> {
  let pdf: Awaited<ReturnType<typeof getDocumentProxy>>;
  try {
    // A copy: pdf.js may take the buffer over. No eval (fonts are never compiled to code), no warnings on stdout.
    pdf = await getDocumentProxy(new Uint8Array(bytes), { verbosity: 0, isEvalSupported: false, disableFontFace: true, useSystemFonts: false });
  } catch (error) {
    const kind = (error as { name?: string }).name;
    if (kind === "PasswordException") throw new DocumentRefused("protected", `"${name}" is protected by a password; remove the password and upload it again.`);
    throw new DocumentRefused("corrupt", `"${name}" could not be read as a PDF (${(error as Error).message || "it is damaged"}); the file may be damaged or incomplete.`);
  }
  try {
    if (pdf.numPages > MAX_PDF_PAGES) throw new DocumentRefused("too_complex", `"${name}" has ${pdf.numPages.toLocaleString("en-US")} pages; documents may have at most ${MAX_PDF_PAGES.toLocaleString("en-US")}. Split it into smaller files.`);
    let pages: string[];
    try {
      pages = (await extractText(pdf, { mergePages: false })).text;
    } catch (error) {
      throw new DocumentRefused("corrupt", `The text of "${name}" could not be read (${(error as Error).message || "the PDF is damaged"}).`);
    }
    const blocks: Block[] = [];
    pages.forEach((text, index) => {
      // Paragraphs are separated by blank lines; the lines inside one are joined (PDF lines end mid-sentence).
      let paragraph: string[] = [];
      const flush = () => {
        if (paragraph.length) blocks.push({ text: paragraph.join(" "), page: index + 1 });
        paragraph = [];
      };
      for (const line of cleanLines(text)) {
        if (line) paragraph.push(line);
        else flush();
      }
      flush();
    });
    return { blocks, pageCount: pdf.numPages };
  } finally {
    await pdf.destroy().catch(() => undefined);
  }
}
