// Word documents: the archive is checked (zip-check.ts), then mammoth turns it into HTML, whose headings give the
// passages their place. Images are dropped, and nothing outside the file is ever read.
import mammoth from "mammoth";
import type { Block } from "../passages";
import { DocumentRefused } from "../refusal";
import { htmlBlocks } from "./html";
import { openCheckedZip } from "./zip-check";

export async function docxBlocks(name: string, bytes: Uint8Array): Promise<Block[]> {
  await openCheckedZip(name, bytes);
  let html: string;
  try {
    const result = await mammoth.convertToHtml(
      { buffer: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) },
      { externalFileAccess: false, convertImage: mammoth.images.imgElement(async () => ({ src: "" })) },
    );
    html = result.value;
  } catch (error) {
    throw new DocumentRefused("corrupt", `"${name}" could not be read as a Word document (${(error as Error).message}); the file may be damaged.`);
  }
  return htmlBlocks(html);
}
