// HTML (and Word documents, which mammoth turns into HTML): the text of block elements, each under the path of
// headings (h1–h6) above it. Scripts, styles and other parts a reader never sees are skipped.
import { Parser } from "htmlparser2";
import type { Block } from "../passages";
import { cleanInline } from "../text";

/** Elements whose start or end begins a new block of text. */
const BLOCK_ELEMENTS = new Set([
  "p", "div", "section", "article", "main", "aside", "header", "footer", "nav", "li", "ul", "ol", "dl", "dt", "dd",
  "table", "thead", "tbody", "tr", "blockquote", "pre", "figure", "figcaption", "form", "fieldset", "address", "br", "hr",
  "details", "summary", "caption", "body", "html",
]);
/** Elements whose content is not text a reader sees. */
const SKIPPED = new Set(["script", "style", "noscript", "template", "head", "title", "svg", "math", "iframe", "object", "canvas", "select", "button"]);
const CELLS = new Set(["td", "th"]);

export function htmlBlocks(html: string): Block[] {
  const blocks: Block[] = [];
  // headings[i] is the text of the open h(i+1); a new heading closes those at its level and below.
  const headings: string[] = [];
  let skipping = 0;
  let headingLevel = 0;
  let headingText = "";
  let text = "";
  const flush = () => {
    const cleaned = cleanInline(text);
    text = "";
    if (cleaned) blocks.push({ text: cleaned, headings: headings.filter(Boolean) });
  };
  const parser = new Parser(
    {
      onopentag(name) {
        if (SKIPPED.has(name)) return void skipping++;
        if (skipping) return;
        const level = /^h([1-6])$/.exec(name)?.[1];
        if (level) {
          flush();
          headingLevel = Number(level);
          headingText = "";
        } else if (BLOCK_ELEMENTS.has(name)) flush();
        else if (CELLS.has(name)) text += " ";
      },
      ontext(data) {
        if (skipping) return;
        if (headingLevel) headingText += data;
        else text += data;
      },
      onclosetag(name) {
        if (SKIPPED.has(name)) return void (skipping = Math.max(0, skipping - 1));
        if (skipping) return;
        if (headingLevel && /^h[1-6]$/.test(name)) {
          const title = cleanInline(headingText);
          if (title) {
            headings.length = headingLevel - 1;
            headings[headingLevel - 1] = title;
          }
          headingLevel = 0;
        } else if (BLOCK_ELEMENTS.has(name)) flush();
        else if (CELLS.has(name)) text += " ";
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  flush();
  return blocks;
}
