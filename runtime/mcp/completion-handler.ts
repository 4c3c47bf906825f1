// completion/complete: suggestions for a prompt's arguments (its suggested values, or the workspace's document names
// for an argument a document message embeds) and for the variables of the document resource templates (`{id}`: ids
// of documents whose id or name starts with what was typed; `{name}`: names). Values that start with what was typed
// come first, then those that contain it; at most 100, with the total and whether there are more.
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { CompleteRequestSchema, ErrorCode, type CompleteResult } from "@modelcontextprotocol/sdk/types.js";
import { DOCUMENT_URI_TEMPLATES } from "../documents/uris";
import { documentArguments } from "../model/prompt";
import type { McpWorkspace } from "./backend";
import { rpcError } from "./errors";
import type { PromptCatalog } from "./prompts";
import { resourceUriOf, type ResourceCatalog } from "./resources";

export const MAX_COMPLETIONS = 100;

export interface CompletionOptions {
  workspace: McpWorkspace;
  prompts?: PromptCatalog;
  resources?: ResourceCatalog;
}

/** Candidates matching `typed`, best first: starting with it, then containing it (any case), each once. */
export function rank(candidates: Iterable<string>, typed: string): string[] {
  const needle = typed.toLowerCase();
  const starts: string[] = [];
  const contains: string[] = [];
  const seen = new Set<string>();
  for (const candidate of candidates) {
    if (seen.has(candidate)) continue;
    seen.add(candidate);
    const at = candidate.toLowerCase().indexOf(needle);
    if (at === 0) starts.push(candidate);
    else if (at > 0) contains.push(candidate);
  }
  return [...starts, ...contains];
}

function result(values: string[]): CompleteResult {
  return { completion: { values: values.slice(0, MAX_COMPLETIONS), total: values.length, hasMore: values.length > MAX_COMPLETIONS } };
}

export function registerCompletionHandler(server: Server, options: CompletionOptions): void {
  const { workspace, prompts, resources } = options;

  const documentNames = async (typed: string): Promise<string[]> => {
    if (!resources) return [];
    const { documents } = await resources.index(workspace.id);
    // Someone typing a URI gets URIs; anyone else names.
    return typed.includes(":") ? rank(documents.map(resourceUriOf), typed) : rank(documents.map((d) => d.name), typed);
  };

  server.setRequestHandler(CompleteRequestSchema, async (request): Promise<CompleteResult> => {
    const { ref, argument } = request.params;
    if (ref.type === "ref/prompt") {
      const prompt = prompts ? (await prompts.prompts(workspace.id)).byName.get(ref.name) : undefined;
      if (!prompt) throw rpcError(ErrorCode.InvalidParams, `Unknown prompt "${ref.name}": call prompts/list for the prompts of this workspace.`);
      const def = prompt.definition;
      const arg = def.arguments.find((a) => a.name === argument.name);
      if (!arg) throw rpcError(ErrorCode.InvalidParams, `Prompt "${def.name}" has no argument "${argument.name}".`);
      if (arg.values?.length) return result(rank(arg.values, argument.value));
      if (documentArguments(def).has(arg.name)) return result(await documentNames(argument.value));
      return result([]);
    }
    if (!resources) return result([]);
    const { documents } = await resources.index(workspace.id);
    const template = ref.uri;
    if ((template === DOCUMENT_URI_TEMPLATES.byId || template === DOCUMENT_URI_TEMPLATES.textById) && argument.name === "id") {
      // An id is what goes into the URI; a person types the start of a name as readily.
      const typed = argument.value.toLowerCase();
      const byId = documents.filter((d) => d.id.toLowerCase().startsWith(typed)).map((d) => d.id);
      const idOf = new Map(documents.map((d) => [d.name, d.id]));
      const byName = rank(documents.map((d) => d.name), argument.value).map((name) => idOf.get(name)!);
      return result([...new Set([...byId, ...byName])]);
    }
    if (template === DOCUMENT_URI_TEMPLATES.byName && argument.name === "name") return result(rank(documents.map((d) => d.name), argument.value));
    return result([]);
  });
}
