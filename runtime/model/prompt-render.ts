// A prompt's messages for prompts/get (and the editor's preview): placeholders filled with the arguments, documents
// embedded as resources through the caller's lookup, images as they were uploaded. Arguments are checked first
// (checkPromptArguments); a document message whose optional argument was left blank is left out.
import { fillPlaceholders, type PromptDefinition } from "./prompt";

export interface EmbeddedText {
  uri: string;
  mimeType: string;
  text: string;
}

export type RenderedContent =
  | { type: "text"; text: string }
  | { type: "resource"; resource: EmbeddedText }
  | { type: "image"; data: string; mimeType: string };

export interface RenderedMessage {
  role: "user" | "assistant";
  content: RenderedContent;
}

/** Where a document message's document comes from: fixed by the prompt, or named by an argument's value. */
export type DocumentSource = { documentId: string } | { argument: string; value: string };

export async function renderPrompt(
  def: PromptDefinition,
  values: Record<string, string>,
  embed: (source: DocumentSource) => Promise<EmbeddedText>,
): Promise<RenderedMessage[]> {
  const messages: RenderedMessage[] = [];
  for (const message of def.messages) {
    const content = message.content;
    if (content.type === "text") {
      messages.push({ role: message.role, content: { type: "text", text: fillPlaceholders(content.text, values) } });
    } else if (content.type === "image") {
      messages.push({ role: message.role, content: { type: "image", data: content.data, mimeType: content.mimeType } });
    } else if (content.documentId) {
      messages.push({ role: message.role, content: { type: "resource", resource: await embed({ documentId: content.documentId }) } });
    } else if (content.argument) {
      const value = (values[content.argument] ?? "").trim();
      if (value) messages.push({ role: message.role, content: { type: "resource", resource: await embed({ argument: content.argument, value }) } });
    }
  }
  return messages;
}
