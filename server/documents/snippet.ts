// Snippets carry their highlights as «…» around each matched word: plain text, so it is safe to show anywhere (the app
// splits on the markers and renders text nodes; nothing in it is markup). Guillemets the document itself contains are
// shown as ‹ and › so that every « » in a snippet is a highlight.
//
// The databases mark matches with \u0001 and \u0002, which passages never contain (text.ts removes control
// characters), and those become the guillemets here.
export const DB_MARK_START = "\u0001";
export const DB_MARK_END = "\u0002";
export const MARK_START = "«";
export const MARK_END = "»";
const SNIPPET_MAX_CHARS = 600;

export function finishSnippet(raw: string): string {
  const text = raw
    .replace(/[«»]/g, (c) => (c === "«" ? "‹" : "›"))
    .replace(/\s+/g, " ")
    .trim();
  const cut = text.length > SNIPPET_MAX_CHARS ? `${text.slice(0, SNIPPET_MAX_CHARS).replace(/\u0001[^\u0002]*$/, "")}…` : text;
  return cut.replaceAll(DB_MARK_START, MARK_START).replaceAll(DB_MARK_END, MARK_END);
}

