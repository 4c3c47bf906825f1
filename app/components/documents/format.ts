// How the Documents page writes sizes, types and places in a document.
import type { RouterOutputs } from "../../lib/router-types";

export type SearchResult = RouterOutputs["documents"]["search"][number];

export const KIND_LABELS: Record<string, string> = { pdf: "PDF", docx: "Word", markdown: "Markdown", html: "HTML", text: "Text" };

/** What the file picker offers and the drop zone takes; the server checks the content whatever the name says. */
export const ACCEPTED = ".pdf,.docx,.md,.markdown,.html,.htm,.txt,.text";

/** "12 MB", "2.5 KB": as the server writes sizes in its messages. */
export function formatBytes(bytes: number): string {
  const units: Array<[number, string]> = [[1024 ** 3, "GB"], [1024 ** 2, "MB"], [1024, "KB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${(bytes / size).toLocaleString("en-US", { maximumFractionDigits: 1 })} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** "page 3", "Travel policy › Booking", "lines 4–9". */
export function locationLabel(location: { page?: number | null; heading?: string | null; lines?: { start: number; end: number } | null }): string {
  if (location.page) return `page ${location.page}`;
  if (location.heading) return location.heading;
  if (location.lines) return location.lines.start === location.lines.end ? `line ${location.lines.start}` : `lines ${location.lines.start}–${location.lines.end}`;
  return "";
}

/** A passage row's place, in the same words. */
export function passageLocation(p: { page: number | null; heading: string | null; lineStart: number | null; lineEnd: number | null }): string {
  return locationLabel({ page: p.page, heading: p.heading, lines: p.lineStart !== null && p.lineEnd !== null ? { start: p.lineStart, end: p.lineEnd } : null });
}

export function acceptedByName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && ACCEPTED.split(",").includes(name.slice(dot).toLowerCase());
}
