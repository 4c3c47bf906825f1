// Finding an operation among hundreds or thousands: every word of the query must appear somewhere (operationId,
// summary, tags, path, description), and operations whose id or summary has the word as a whole word rank first.
// The words of each operation are worked out once when the index is built, so a search is one pass of string checks.
import type { Operation } from "./model";

interface Entry {
  operation: Operation;
  position: number;
  idWords: Set<string>;
  summaryWords: Set<string>;
  id: string;
  summary: string;
  tags: string[];
  path: string;
  description: string;
}

/** `listRepoIssues`, `list-repo_issues`, `issues/list` → list, repo, issues. */
export function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function entry(operation: Operation, position: number): Entry {
  return {
    operation,
    position,
    idWords: new Set(words(operation.operationId)),
    summaryWords: new Set(words(operation.summary ?? "")),
    id: operation.operationId.toLowerCase(),
    summary: (operation.summary ?? "").toLowerCase(),
    tags: operation.tags.map((t) => t.toLowerCase()),
    path: operation.path.toLowerCase(),
    description: (operation.description ?? "").slice(0, 2000).toLowerCase(),
  };
}

/** How well one query word matches; 0 = not at all. */
function termScore(e: Entry, term: string): number {
  if (e.idWords.has(term) || e.summaryWords.has(term)) return 10;
  if (e.tags.includes(term)) return 6;
  if (e.id.includes(term) || e.summary.includes(term)) return 4;
  if (e.tags.some((t) => t.includes(term))) return 3;
  if (e.path.includes(term)) return 2;
  if (term === e.operation.method.toLowerCase()) return 2;
  if (e.description.includes(term)) return 1;
  return 0;
}

export interface OperationSearch {
  /** Best matches first (document order among equals); an empty query lists operations in document order. */
  search(query: string, limit?: number): Operation[];
}

export function createOperationSearch(operations: readonly Operation[]): OperationSearch {
  const entries = operations.map(entry);
  return {
    search(query, limit = 50) {
      const terms = [...new Set(words(query))];
      if (terms.length === 0) return operations.slice(0, limit);
      const exact = query.trim().toLowerCase();
      const hits: Array<{ e: Entry; score: number }> = [];
      for (const e of entries) {
        let score = e.id === exact ? 100 : 0;
        for (const term of terms) {
          const s = termScore(e, term);
          if (s === 0) {
            score = -1;
            break;
          }
          score += s;
        }
        if (score > 0) hits.push({ e, score });
      }
      hits.sort((a, b) => b.score - a.score || a.e.position - b.e.position);
      return hits.slice(0, limit).map((h) => h.e.operation);
    },
  };
}
