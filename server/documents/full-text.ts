// A document's extracted text in one piece, from its passages: what MCP clients read at toolflow://documents/<id>/text
// and what prompts embed. Passages are joined by blank lines; where the page (PDF) or the heading path (Word,
// Markdown, HTML) changes, a line says so, so a reader keeps their bearings.
export interface PassageText {
  text: string;
  page: number | null;
  heading: string | null;
}

export function passagesToText(passages: Iterable<PassageText>): string {
  const parts: string[] = [];
  let page: number | null = null;
  let heading: string | null = null;
  for (const passage of passages) {
    if (passage.page !== null && passage.page !== page) parts.push(`[Page ${passage.page}]`);
    if (passage.heading !== null && passage.heading !== heading) parts.push(passage.heading);
    page = passage.page;
    heading = passage.heading;
    parts.push(passage.text);
  }
  return parts.join("\n\n");
}
