// prompts/list and prompts/get for one MCP server: the workspace's live prompt versions. prompts/get checks the
// arguments (a missing required one is a JSON-RPC invalid-params error with a plain sentence), fills the placeholders,
// embeds documents as `resource` content with their text, and sends images as `image` content.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { ErrorCode, GetPromptRequestSchema, ListPromptsRequestSchema, type GetPromptResult, type Prompt } from "@modelcontextprotocol/sdk/types.js";
import { parseDocumentUri, documentTextUri } from "../documents/uris";
import { checkPromptArguments, type PromptDefinition } from "../model/prompt";
import { renderPrompt, type DocumentSource, type EmbeddedText } from "../model/prompt-render";
import type { DocumentResource, LivePrompt, McpDocuments, McpWorkspace } from "./backend";
import { rpcError } from "./errors";
import { readDocument } from "./resource-handlers";
import { compareNames, findIn, resourceUriOf, type ResourceCatalog } from "./resources";
import type { PromptCatalog } from "./prompts";

export interface PromptHandlerOptions {
  workspace: McpWorkspace;
  catalog: PromptCatalog;
  /** Documents to embed; without them a prompt that embeds one cannot be served here. */
  documents?: { catalog: ResourceCatalog; documents: McpDocuments; maxBytes: number };
  pageSize: number;
}

export function toMcpPrompt(prompt: LivePrompt): Prompt {
  const def = prompt.definition;
  return {
    name: def.name,
    ...(def.title ? { title: def.title } : {}),
    ...(def.description ? { description: def.description } : {}),
    arguments: def.arguments.map((a) => ({
      name: a.name,
      ...(a.title ? { title: a.title } : {}),
      ...(a.description ? { description: a.description } : {}),
      required: a.required,
    })),
  };
}

function decodeCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as { after?: unknown };
    if (typeof parsed.after === "string") return parsed.after;
  } catch {
    // fall through
  }
  throw rpcError(ErrorCode.InvalidParams, "Invalid cursor: pass back a nextCursor from prompts/list.");
}

/**
 * The document an argument's value names: a resource URI (Toolflow's or one its owner gave it), else a document name,
 * else an id. Null when the workspace has none.
 */
export async function documentNamedBy(catalog: ResourceCatalog, workspaceId: string, value: string): Promise<DocumentResource | null> {
  const ref = parseDocumentUri(value);
  const byUri = ref ? await catalog.find(workspaceId, ref) : undefined;
  if (byUri) return byUri;
  const index = await catalog.index(workspaceId);
  return findIn(index, { by: "name", value, part: "file" }) ?? findIn(index, { by: "id", value, part: "file" }) ?? null;
}

export function registerPromptHandlers(server: Server, options: PromptHandlerOptions): void {
  const { workspace, catalog, pageSize } = options;

  server.setRequestHandler(ListPromptsRequestSchema, async (request) => {
    const { prompts } = await catalog.prompts(workspace.id);
    const after = decodeCursor(request.params?.cursor);
    const start = after === undefined ? 0 : prompts.findIndex((p) => compareNames(p.definition.name, after) > 0);
    const from = start < 0 ? prompts.length : start;
    const page = prompts.slice(from, from + pageSize);
    const more = from + pageSize < prompts.length;
    const nextCursor = more ? Buffer.from(JSON.stringify({ after: page[page.length - 1]!.definition.name })).toString("base64url") : undefined;
    return { prompts: page.map(toMcpPrompt), ...(nextCursor ? { nextCursor } : {}) };
  });

  server.setRequestHandler(GetPromptRequestSchema, async (request): Promise<GetPromptResult> => {
    const { byName } = await catalog.prompts(workspace.id);
    const prompt = byName.get(request.params.name);
    if (!prompt) throw rpcError(ErrorCode.InvalidParams, `Unknown prompt "${request.params.name}": call prompts/list for the prompts of this workspace.`);
    const def = prompt.definition;
    const checked = checkPromptArguments(def, request.params.arguments);
    if (!checked.ok) throw rpcError(ErrorCode.InvalidParams, checked.message);
    const messages = await renderPrompt(def, checked.values, (source) => embed(def, source));
    return { ...(def.description ? { description: def.description } : {}), messages };
  });

  async function embed(def: PromptDefinition, source: DocumentSource): Promise<EmbeddedText> {
    const docs = options.documents;
    if (!docs) throw rpcError(ErrorCode.InternalError, `Prompt "${def.name}" embeds a document, and this server does not serve documents.`);
    const fixed = "documentId" in source;
    const gone = () =>
      fixed
        ? rpcError(ErrorCode.InternalError, `Prompt "${def.name}" embeds a document this workspace no longer has; an editor must choose another and publish again.`)
        : rpcError(
            ErrorCode.InvalidParams,
            `Argument "${source.argument}" of prompt "${def.name}": "${source.value}" is not a document of this workspace; give a document's name, id or resource URI (resources/list shows them).`,
          );
    const doc = fixed ? await docs.catalog.find(workspace.id, { by: "id", value: source.documentId, part: "file" }) : await documentNamedBy(docs.catalog, workspace.id, source.value);
    if (!doc) throw gone();
    // The document's text: a text file as it is, a PDF or Word file as extracted.
    const uri = doc.binary ? documentTextUri(doc.id) : resourceUriOf(doc);
    const read = await readDocument(docs.documents, workspace.id, uri, doc, doc.binary ? "text" : "file", docs.maxBytes);
    if (!read) throw gone(); // deleted a moment ago
    const content = read.contents[0] as { uri: string; mimeType?: string; text?: string };
    return { uri: content.uri, mimeType: content.mimeType ?? "text/plain", text: content.text ?? "" };
  }
}
