// A Word document is a ZIP archive. Before anything unpacks it, its directory is read and checked (entries, declared
// sizes, compression ratio), and then every part a converter would read is inflated as a stream and counted, so an
// archive whose directory lies about its sizes is stopped at the limit instead of filling memory.
import JSZip from "jszip";
import { DocumentRefused } from "../refusal";

export const ZIP_LIMITS = {
  /** Entries in the archive. */
  maxEntries: 2000,
  /** Bytes of the parts a converter reads (all but media) once unpacked, as declared and as counted while inflating. */
  maxUnpackedBytes: 128 * 1024 * 1024,
  /** Unpacked ÷ packed size of the whole archive, checked once it unpacks to more than `ratioFloorBytes`. */
  maxRatio: 100,
  ratioFloorBytes: 16 * 1024 * 1024,
};

interface ZipEntryData {
  compressedSize?: number;
  uncompressedSize?: number;
}

/** Images and other media: converters never unpack them here (images are dropped), so they are not inflated. */
const isMedia = (path: string) => /^word\/media\//i.test(path) || /\.(png|jpe?g|gif|bmp|tiff?|emf|wmf|svg|mp4|mov|wav|mp3)$/i.test(path);

/** Opens the archive's directory and refuses bombs and archives that are not Word documents. Inflates nothing yet. */
export async function openCheckedZip(name: string, bytes: Uint8Array, limits = ZIP_LIMITS): Promise<JSZip> {
  const declaredEntries = entriesInEndRecord(bytes);
  if (declaredEntries !== null && declaredEntries > limits.maxEntries) throw bomb(name, `it has ${declaredEntries.toLocaleString("en-US")} entries (at most ${limits.maxEntries.toLocaleString("en-US")})`);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { checkCRC32: false, createFolders: false });
  } catch (error) {
    throw new DocumentRefused("corrupt", `"${name}" could not be opened as a Word document (${(error as Error).message}); the file may be damaged or incomplete.`);
  }
  const entries = Object.values(zip.files);
  if (entries.length > limits.maxEntries) throw bomb(name, `it has ${entries.length.toLocaleString("en-US")} entries (at most ${limits.maxEntries.toLocaleString("en-US")})`);
  let unpacked = 0;
  for (const entry of entries) {
    if (entry.dir || isMedia(entry.name)) continue;
    // JSZip keeps the directory's sizes on a private field; they are only a first check (the inflating below counts).
    const data = (entry as unknown as { _data?: ZipEntryData })._data;
    unpacked += Math.max(0, data?.uncompressedSize ?? 0);
  }
  checkTotals(name, unpacked, bytes.byteLength, limits);
  if (!zip.file("word/document.xml")) {
    throw new DocumentRefused("wrong_type", `"${name}" is a ZIP archive but not a Word document (it has no word/document.xml). Upload a .docx saved by Word, Google Docs or LibreOffice.`);
  }
  await countInflatedParts(name, zip, bytes.byteLength, limits);
  return zip;
}

function checkTotals(name: string, unpacked: number, packed: number, limits: typeof ZIP_LIMITS): void {
  if (unpacked > limits.maxUnpackedBytes) throw bomb(name, `it unpacks to more than ${mb(limits.maxUnpackedBytes)}`);
  if (unpacked > limits.ratioFloorBytes && unpacked / Math.max(packed, 1) > limits.maxRatio) {
    throw bomb(name, `it unpacks to ${mb(unpacked)} from ${mb(packed)}, more than ${limits.maxRatio} times its size`);
  }
}

/** Inflates each part a converter reads, counting bytes, and stops at the limits (the stream is dropped mid-way). */
async function countInflatedParts(name: string, zip: JSZip, packed: number, limits: typeof ZIP_LIMITS): Promise<void> {
  let total = 0;
  for (const entry of Object.values(zip.files)) {
    if (entry.dir || isMedia(entry.name)) continue;
    await new Promise<void>((resolve, reject) => {
      // internalStream is JSZip's own chunked reader (16 KB at a time); it is not in the published types.
      const stream = (entry as unknown as { internalStream(type: "uint8array"): StreamHelper }).internalStream("uint8array");
      let failed = false;
      stream
        .on("data", (chunk: Uint8Array) => {
          if (failed) return;
          total += chunk.byteLength;
          try {
            checkTotals(name, total, packed, limits);
          } catch (error) {
            failed = true;
            stream.pause();
            reject(error);
          }
        })
        .on("error", (error: Error) => {
          if (failed) return;
          failed = true;
          reject(new DocumentRefused("corrupt", `"${name}" could not be unpacked (${error.message}); the file may be damaged.`));
        })
        .on("end", () => {
          if (!failed) resolve();
        })
        .resume();
    });
  }
}

interface StreamHelper {
  on(event: "data", listener: (chunk: Uint8Array) => void): StreamHelper;
  on(event: "error", listener: (error: Error) => void): StreamHelper;
  on(event: "end", listener: () => void): StreamHelper;
  resume(): StreamHelper;
  pause(): StreamHelper;
}

/** The entry count the archive's end record declares (null when there is none to read). */
function entriesInEndRecord(bytes: Uint8Array): number | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // The end record is 22 bytes plus a comment of up to 64 KB, at the very end.
  for (let at = bytes.byteLength - 22; at >= Math.max(0, bytes.byteLength - 22 - 0xffff); at--) {
    if (view.getUint32(at, true) === 0x06054b50) return view.getUint16(at + 10, true);
  }
  return null;
}

function bomb(name: string, detail: string): DocumentRefused {
  return new DocumentRefused("zip_bomb", `"${name}" was refused: ${detail}, which is what a ZIP bomb does, not a document.`);
}

function mb(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toLocaleString("en-US", { maximumFractionDigits: 1 })} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
