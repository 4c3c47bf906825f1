import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression } from "./common";
import { arrayShape, objectShape, valueShape } from "../model/shapes";
import { MAX_QUERY_CHARS_FOR_NODE, SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX } from "../documents/contract";

const params = z.object({
  query: z.string().min(1, "write what to search for, e.g. {{ input.question }}"),
  folder: z.string().max(200).optional(),
  tags: z.array(z.string().max(200)).max(20).default([]),
  limit: orExpression(z.number().int().min(1).max(SEARCH_LIMIT_MAX)).default(SEARCH_LIMIT_DEFAULT),
});

const location = objectShape({
  page: valueShape("number"),
  heading: valueShape("string"),
  lines: objectShape({ start: valueShape("number"), end: valueShape("number") }),
});

const result = objectShape({
  documentId: valueShape("string"),
  documentName: valueShape("string"),
  version: valueShape("number"),
  location,
  score: valueShape("number"),
  snippet: valueShape("string"),
});

export const searchDocumentsNode = defineNode({
  type: "search_documents",
  category: "integration",
  label: "Search documents",
  icon: "M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h4M14 3l5 5M14 3v5h5M16.5 17.5m-3 0a3 3 0 1 0 6 0a3 3 0 1 0-6 0M18.7 19.7L21 22",
  initialParams: { tags: [], limit: SEARCH_LIMIT_DEFAULT },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Searches the workspace's documents (Documents page) and returns the best-matching passages, each with its document, place and a snippet.",
  params,
  form: [
    { key: "query", kind: "expression", label: "Search for", required: true, placeholder: "{{ input.question }}", help: 'Words, "exact phrases" and -excluded words, e.g. {{ input.question }}.' },
    { key: "folder", kind: "expression", label: "Folder", placeholder: "All folders", help: "Only documents in this folder or below it, e.g. Policies/HR." },
    { key: "tags", kind: "list", label: "Tags", help: "Only documents that have every one of these tags." },
    { key: "limit", kind: "number", label: "Results", default: SEARCH_LIMIT_DEFAULT, help: `1 to ${SEARCH_LIMIT_MAX}.` },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: {
    description:
      "`{ results }`: best first, each `{ documentId, documentName, version, location: { page?, heading?, lines? }, score, snippet }`; matched words in the snippet are between « and ».",
    example: { results: [{ documentId: "doc_1", documentName: "travel-policy.pdf", version: 2, location: { page: 3 }, score: 0.82, snippet: "Book «travel» through the portal…" }] },
  },
  outputShape: () => objectShape({ results: arrayShape(result) }),
  compile: () =>
    [
      `const folder = p.folder === undefined || p.folder === null ? "" : rt.str(p.folder).trim();`,
      `const tags = (Array.isArray(p.tags) ? p.tags : []).map((t) => rt.str(t).trim()).filter((t) => t !== "");`,
      `return await rt.host("searchDocuments", { query: rt.str(p.query).slice(0, ${MAX_QUERY_CHARS_FOR_NODE}), ...(folder ? { folder } : {}), ...(tags.length ? { tags } : {}), limit: Number(p.limit) });`,
    ].join("\n"),
});
