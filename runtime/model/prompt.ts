// Workspace prompt templates (SPEC §14), served as MCP prompts: a name, a title and description, arguments, and
// messages whose content is text with `{{ argument }}` placeholders, a workspace document embedded as a resource
// (a fixed one, or the one an argument names), or a small PNG/JPEG image. The same JSON is the draft, what a version
// freezes, and what the editor edits; it is pure data, so the app can check and preview it without the server.
import { z } from "zod";

export const PROMPT_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** Argument names are what placeholders say: `{{ topic }}`. */
export const ARGUMENT_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
export const PROMPT_IMAGE_TYPES = ["image/png", "image/jpeg"] as const;
/** Bytes of one image, decoded. */
export const MAX_IMAGE_BYTES = 512 * 1024;
/** Characters of the whole definition as JSON (images included). */
export const MAX_PROMPT_CHARS = 2_000_000;
export const MAX_ARGUMENTS = 30;
export const MAX_MESSAGES = 50;
export const MAX_SUGGESTED_VALUES = 200;

const TextContentSchema = z.strictObject({ type: z.literal("text"), text: z.string().max(100_000, "A message can be at most 100,000 characters.") });
/** A workspace document embedded as a resource: a fixed one (`documentId`), or whichever an argument names. */
const DocumentContentSchema = z.strictObject({
  type: z.literal("document"),
  documentId: z.string().max(64).optional(),
  /** The argument whose value names the document (its name, id or resource URI). */
  argument: z.string().max(64).optional(),
});
const ImageContentSchema = z.strictObject({
  type: z.literal("image"),
  /** Base64 of the file. */
  data: z.string().max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4, `An image can be at most ${MAX_IMAGE_BYTES / 1024} KB.`),
  mimeType: z.enum(PROMPT_IMAGE_TYPES, "Images can be PNG or JPEG."),
  /** The file's name, for the editor. */
  name: z.string().max(200).optional(),
});

export const PromptContentSchema = z.discriminatedUnion("type", [TextContentSchema, DocumentContentSchema, ImageContentSchema], {
  error: "A message's content is text, a document or an image.",
});
export type PromptContent = z.infer<typeof PromptContentSchema>;

export const PromptMessageSchema = z.strictObject({
  role: z.enum(["user", "assistant"], "A message is from the user or the assistant."),
  content: PromptContentSchema,
});
export type PromptMessage = z.infer<typeof PromptMessageSchema>;

export const PromptArgumentSchema = z.strictObject({
  name: z.string().max(64),
  title: z.string().max(120).optional(),
  description: z.string().max(1000).default(""),
  required: z.boolean().default(false),
  /** Suggested values, offered by completion/complete as the client types (any value is accepted). */
  values: z.array(z.string().max(200)).max(MAX_SUGGESTED_VALUES, `At most ${MAX_SUGGESTED_VALUES} suggested values.`).optional(),
});
export type PromptArgument = z.infer<typeof PromptArgumentSchema>;

/**
 * The shape of a prompt, as a draft may be: every part typed and bounded, but possibly unfinished (an empty name or
 * message while someone types). `promptProblems` says what must be fixed before publishing.
 */
export const PromptDefinitionSchema = z
  .strictObject({
    name: z.string().max(64),
    title: z.string().max(120).optional(),
    description: z.string().max(4000).default(""),
    arguments: z.array(PromptArgumentSchema).max(MAX_ARGUMENTS, `A prompt can have at most ${MAX_ARGUMENTS} arguments.`).default([]),
    messages: z.array(PromptMessageSchema).max(MAX_MESSAGES, `A prompt can have at most ${MAX_MESSAGES} messages.`).default([]),
  })
  .refine((d) => JSON.stringify(d).length <= MAX_PROMPT_CHARS, `The prompt is larger than ${MAX_PROMPT_CHARS / 1_000_000} MB; use smaller images.`);
export type PromptDefinition = z.infer<typeof PromptDefinitionSchema>;
export type PromptDefinitionInput = z.input<typeof PromptDefinitionSchema>;

/** One thing to fix before publishing, with where it is (`messages[1].content.text`) for the editor to show. */
export interface PromptProblem {
  path: string;
  message: string;
}

const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

/** The argument names a text's `{{ }}` placeholders use (with what is written inside each that names none). */
export function placeholdersOf(text: string): Array<{ raw: string; name: string | null }> {
  return [...text.matchAll(PLACEHOLDER)].map((m) => {
    const inner = m[1]!.trim();
    return { raw: m[0], name: ARGUMENT_NAME_PATTERN.test(inner) ? inner : null };
  });
}

/** Fills `{{ name }}` with the argument's value ("" for an optional one not given). */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  return text.replace(PLACEHOLDER, (raw, inner: string) => {
    const name = inner.trim();
    return ARGUMENT_NAME_PATTERN.test(name) ? (values[name] ?? "") : raw;
  });
}

function base64Problem(data: string, mimeType: string): string | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(data) || data.length % 4 !== 0 || data.length === 0) return "The image is not valid base64; upload the file again.";
  const bytes = Math.floor((data.length * 3) / 4) - (data.endsWith("==") ? 2 : data.endsWith("=") ? 1 : 0);
  if (bytes > MAX_IMAGE_BYTES) return `The image is ${Math.ceil(bytes / 1024)} KB; images can be at most ${MAX_IMAGE_BYTES / 1024} KB.`;
  const head = atob(data.slice(0, 8));
  const png = head.startsWith("\x89PNG");
  const jpeg = head.startsWith("\xFF\xD8\xFF");
  if (mimeType === "image/png" && !png) return jpeg ? "The image is a JPEG but is marked as PNG." : "The image is not a PNG file.";
  if (mimeType === "image/jpeg" && !jpeg) return png ? "The image is a PNG but is marked as JPEG." : "The image is not a JPEG file.";
  return null;
}

/** Arguments that name a document (a document message embeds what they say): completion offers document names. */
export function documentArguments(def: Pick<PromptDefinition, "messages">): Set<string> {
  const names = new Set<string>();
  for (const m of def.messages) if (m.content.type === "document" && m.content.argument) names.add(m.content.argument);
  return names;
}

/** Everything that keeps a prompt from being published, each with where it is. */
export function promptProblems(def: PromptDefinition): PromptProblem[] {
  const problems: PromptProblem[] = [];
  const add = (path: string, message: string) => problems.push({ path, message });
  if (!PROMPT_NAME_PATTERN.test(def.name)) add("name", "The prompt name must be 1–64 characters of letters, digits, _, - and . (e.g. summarize_ticket), with no spaces.");
  const names = new Set<string>();
  def.arguments.forEach((arg, i) => {
    const where = `arguments[${i}]`;
    if (!ARGUMENT_NAME_PATTERN.test(arg.name)) {
      add(`${where}.name`, `Argument ${i + 1}: a name is a letter or _ followed by letters, digits or _ (e.g. topic), as placeholders write it: {{ topic }}.`);
    } else if (names.has(arg.name)) add(`${where}.name`, `Argument ${i + 1}: "${arg.name}" is already the name of another argument.`);
    names.add(arg.name);
    if (arg.values && new Set(arg.values).size !== arg.values.length) add(`${where}.values`, `Argument "${arg.name}": a suggested value is listed twice.`);
  });
  if (def.messages.length === 0) add("messages", "Add at least one message.");
  def.messages.forEach((message, i) => {
    const where = `messages[${i}].content`;
    const label = `Message ${i + 1}`;
    const content = message.content;
    if (content.type === "text") {
      if (!content.text.trim()) add(`${where}.text`, `${label} is empty; write its text or remove it.`);
      for (const p of placeholdersOf(content.text)) {
        if (p.name === null) add(`${where}.text`, `${label}: ${p.raw} is not a placeholder; write an argument's name between the braces, e.g. {{ topic }}.`);
        else if (!names.has(p.name)) add(`${where}.text`, `${label} uses {{ ${p.name} }}, but the prompt has no argument "${p.name}"; add it or fix the name.`);
      }
    } else if (content.type === "document") {
      const both = content.documentId && content.argument;
      if (both || (!content.documentId && !content.argument)) add(where, `${label}: choose either a document or the argument that names one.`);
      else if (content.argument && !names.has(content.argument)) add(`${where}.argument`, `${label} embeds the document named by "${content.argument}", but the prompt has no such argument.`);
    } else {
      const problem = base64Problem(content.data, content.mimeType);
      if (problem) add(`${where}.data`, `${label}: ${problem}`);
    }
  });
  return problems;
}

/** The values a prompts/get gives, checked: every required argument present and not blank, no unknown ones. */
export function checkPromptArguments(def: PromptDefinition, given: Record<string, string> | undefined): { ok: true; values: Record<string, string> } | { ok: false; message: string } {
  const values: Record<string, string> = {};
  const known = new Map(def.arguments.map((a) => [a.name, a]));
  for (const [name, value] of Object.entries(given ?? {})) {
    if (!known.has(name)) {
      const list = def.arguments.map((a) => a.name).join(", ");
      return { ok: false, message: `Prompt "${def.name}" has no argument "${name}"; ${list ? `its arguments are ${list}` : "it takes no arguments"}.` };
    }
    values[name] = value;
  }
  const missing = def.arguments.filter((a) => a.required && !(values[a.name] ?? "").trim());
  if (missing.length) {
    const list = missing.map((a) => `"${a.name}"${a.description ? ` (${a.description})` : ""}`).join(", ");
    return { ok: false, message: `Prompt "${def.name}" needs ${missing.length === 1 ? "the argument" : "the arguments"} ${list}.` };
  }
  return { ok: true, values };
}
