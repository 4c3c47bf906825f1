// The file types a workspace library takes, known by their extension and then checked against their content
// (sniff.ts): a name alone never decides how a file is read.
export const DOCUMENT_KINDS = ["pdf", "docx", "markdown", "html", "text"] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** `noun`: the kind in a sentence ("is named as a PDF but…"). */
export const KIND_INFO: Record<DocumentKind, { label: string; noun: string; mimeType: string; extensions: string[] }> = {
  pdf: { label: "PDF", noun: "a PDF", mimeType: "application/pdf", extensions: [".pdf"] },
  docx: { label: "Word", noun: "a Word document", mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", extensions: [".docx"] },
  markdown: { label: "Markdown", noun: "a Markdown file", mimeType: "text/markdown", extensions: [".md", ".markdown"] },
  html: { label: "HTML", noun: "an HTML file", mimeType: "text/html", extensions: [".html", ".htm"] },
  text: { label: "Text", noun: "a text file", mimeType: "text/plain", extensions: [".txt", ".text"] },
};

/** ".pdf, .docx, .md, .markdown, .html, .htm, .txt, .text": for messages that say what is accepted. */
export const ACCEPTED_EXTENSIONS = DOCUMENT_KINDS.flatMap((kind) => KIND_INFO[kind].extensions);

/** Extensions people try that have a better answer than "unsupported". */
const HINTS: Record<string, string> = {
  ".doc": "Old Word files (.doc) cannot be read; save it as .docx in Word and upload that.",
  ".rtf": "Rich text (.rtf) cannot be read; save it as .docx or .txt and upload that.",
  ".odt": "OpenDocument files (.odt) cannot be read; save it as .docx or PDF and upload that.",
  ".pages": "Pages files cannot be read; export it as PDF or .docx and upload that.",
};

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(dot).toLowerCase() : "";
}

/** The kind a file name claims, or a sentence saying why it is not accepted. */
export function kindFromName(name: string): { kind: DocumentKind } | { problem: string } {
  const extension = extensionOf(name);
  const kind = DOCUMENT_KINDS.find((k) => KIND_INFO[k].extensions.includes(extension));
  if (kind) return { kind };
  const hint = HINTS[extension];
  const accepted = `Documents can be PDF, Word (.docx), Markdown, HTML or plain text files (${ACCEPTED_EXTENSIONS.join(", ")}).`;
  if (hint) return { problem: `"${name}" is not a supported type. ${hint}` };
  return { problem: extension ? `"${name}" is not a supported type (${extension}). ${accepted}` : `"${name}" has no file extension, so its type is unknown. ${accepted}` };
}
