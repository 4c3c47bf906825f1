// A search snippet: plain text whose matched words are between « and » (the server's contract). Rendered as text
// nodes and <mark> elements only, so nothing in a document can become markup on this page.
import { Mark, Text } from "@mantine/core";

export function snippetParts(snippet: string): Array<{ text: string; match: boolean }> {
  return snippet
    .split(/(«[^«»]*»)/)
    .filter(Boolean)
    .map((part) => (part.startsWith("«") && part.endsWith("»") ? { text: part.slice(1, -1), match: true } : { text: part, match: false }));
}

export function Snippet({ snippet }: { snippet: string }) {
  return (
    <Text size="sm" data-snippet>
      {snippetParts(snippet).map((part, i) => (part.match ? <Mark key={i}>{part.text}</Mark> : <span key={i}>{part.text}</span>))}
    </Text>
  );
}
