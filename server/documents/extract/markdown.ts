// Markdown: marked's lexer gives the block structure; each block's text (inline markup taken off) goes under the
// path of headings above it.
import { Lexer, type Token, type Tokens } from "marked";
import type { Block } from "../passages";
import { cleanInline } from "../text";

/** The words of inline tokens, without their markup (links keep their text, images their alt text). */
function inlineText(tokens: Token[] | undefined, fallback: string): string {
  if (!tokens) return fallback;
  return tokens
    .map((token) => {
      if (token.type === "br") return " ";
      if (token.type === "image") return (token as Tokens.Image).text;
      if (token.type === "html") return "";
      if ("tokens" in token && Array.isArray(token.tokens)) return inlineText(token.tokens, "");
      return "text" in token && typeof token.text === "string" ? token.text : "";
    })
    .join("");
}

export function markdownBlocks(source: string): Block[] {
  const blocks: Block[] = [];
  const headings: string[] = [];
  const add = (text: string) => {
    const cleaned = cleanInline(text);
    if (cleaned) blocks.push({ text: cleaned, headings: headings.filter(Boolean) });
  };
  const walk = (tokens: Token[]) => {
    for (const token of tokens) {
      switch (token.type) {
        case "heading": {
          const heading = token as Tokens.Heading;
          const title = cleanInline(inlineText(heading.tokens, heading.text));
          if (title) {
            headings.length = heading.depth - 1;
            headings[heading.depth - 1] = title;
          }
          break;
        }
        case "paragraph":
        case "text":
          add(inlineText((token as Tokens.Paragraph).tokens, (token as Tokens.Paragraph).text));
          break;
        case "code":
          add((token as Tokens.Code).text);
          break;
        case "list":
          for (const item of (token as Tokens.List).items) walk(item.tokens);
          break;
        case "blockquote":
          walk((token as Tokens.Blockquote).tokens);
          break;
        case "table": {
          const table = token as Tokens.Table;
          add(table.header.map((cell) => inlineText(cell.tokens, cell.text)).join(" | "));
          for (const row of table.rows) add(row.map((cell) => inlineText(cell.tokens, cell.text)).join(" | "));
          break;
        }
        case "html":
          // Raw HTML in Markdown: its text, without the tags.
          add((token as Tokens.HTML).text.replace(/<[^>]*>/g, " "));
          break;
        default:
          break;
      }
    }
  };
  walk(new Lexer({ gfm: true }).lex(source));
  return blocks;
}
