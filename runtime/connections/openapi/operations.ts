// The operations index: every operation of a dereferenced description, in document order, with its parameters, the
// request body it takes and the response it gives, ready for forms, shapes, search and drafts.
import { z } from "zod";
import { chooseRequestType, chooseResponseType } from "./media-types";
import { HTTP_METHODS, type HttpMethod, type Operation, type OperationParameter, type OperationResponse, type RequestBody } from "./model";
import { OperationIds } from "./operation-ids";
import { problemAt, type DescriptionProblem } from "./problems";
import { boundedSchema, type JsonSchema } from "./schema-copy";
import { requirements } from "./security";
import { openApiServers } from "./servers";
import { swagger2Parts } from "./swagger2";
import type { SpecFamily } from "./version";

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const RawParameter = z.looseObject({
  name: z.string(),
  in: z.string(),
  required: z.boolean().optional(),
  description: z.string().optional(),
  deprecated: z.boolean().optional(),
  schema: z.unknown().optional(),
  content: z.record(z.string(), z.unknown()).optional(),
  style: z.string().optional(),
  explode: z.boolean().optional(),
});

const RawMedia = z.looseObject({ schema: z.unknown().optional() });
const RawContent = z.record(z.string(), z.unknown()).optional();
const RawRequestBody = z.looseObject({ description: z.string().optional(), required: z.boolean().optional(), content: RawContent });
const RawResponse = z.looseObject({ description: z.string().optional(), content: RawContent });

const RawOperation = z.looseObject({
  operationId: z.string().optional(),
  summary: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.unknown()).optional(),
  deprecated: z.boolean().optional(),
  parameters: z.array(z.unknown()).optional(),
  requestBody: z.unknown().optional(),
  responses: z.record(z.string(), z.unknown()).optional(),
  security: z.array(z.unknown()).optional(),
  servers: z.array(z.unknown()).optional(),
});

// OpenAPI 3: these header parameters "SHALL be ignored" — the connection and the media type set them.
const IGNORED_HEADERS = new Set(["accept", "content-type", "authorization"]);

/** The allowed values of a parameter: its schema's enum, or its array items'. */
function enumOf(schema: JsonSchema): OperationParameter["enum"] {
  const list = Array.isArray(schema.enum) ? schema.enum : isRecord(schema.items) && Array.isArray(schema.items.enum) ? schema.items.enum : undefined;
  const values = list?.filter((v): v is string | number | boolean | null => v === null || ["string", "number", "boolean"].includes(typeof v));
  return values && values.length > 0 ? values : undefined;
}

function firstMedia(content: Record<string, unknown> | undefined, choose: (types: string[]) => string | undefined): { type?: string; schema?: unknown } {
  if (!content) return {};
  const type = choose(Object.keys(content));
  if (type === undefined) return {};
  const media = RawMedia.safeParse(content[type]);
  return { type, schema: media.success ? media.data.schema : undefined };
}

function parameter(raw: unknown): OperationParameter | null {
  const parsed = RawParameter.safeParse(raw);
  if (!parsed.success) return null;
  const p = parsed.data;
  if (p.in !== "path" && p.in !== "query" && p.in !== "header" && p.in !== "cookie") return null;
  if (p.in === "header" && IGNORED_HEADERS.has(p.name.toLowerCase())) return null;
  // A parameter given as `content` is one serialised document (JSON in a query string, say).
  const media = p.schema === undefined ? firstMedia(p.content, (types) => types[0]) : {};
  const schema = boundedSchema(p.schema ?? media.schema ?? {});
  const values = enumOf(schema);
  return {
    name: p.name,
    in: p.in,
    required: p.in === "path" ? true : p.required === true,
    ...(p.description ? { description: p.description } : {}),
    ...(p.deprecated ? { deprecated: true } : {}),
    schema,
    ...(values ? { enum: values } : {}),
    ...(p.style ? { style: p.style } : {}),
    ...(p.explode !== undefined ? { explode: p.explode } : {}),
    ...(media.type ? { contentType: media.type } : {}),
  };
}

/** Path-level parameters, overridden by the operation's own of the same name and location. */
function mergedParameters(pathLevel: unknown, own: unknown): Raw[] {
  const byKey = new Map<string, Raw>();
  for (const list of [pathLevel, own]) {
    if (!Array.isArray(list)) continue;
    for (const p of list) if (isRecord(p)) byKey.set(`${String(p.in)}\u0000${String(p.name)}`, p);
  }
  return [...byKey.values()];
}

function requestBody(raw: unknown): RequestBody | null {
  const parsed = RawRequestBody.safeParse(raw);
  if (!parsed.success || !parsed.data.content) return null;
  const types = Object.keys(parsed.data.content);
  const media = firstMedia(parsed.data.content, chooseRequestType);
  if (!media.type) return null;
  return {
    contentType: media.type,
    contentTypes: types,
    required: parsed.data.required === true,
    ...(parsed.data.description ? { description: parsed.data.description } : {}),
    schema: boundedSchema(media.schema ?? {}),
  };
}

function statusOrder(status: string): number {
  return /^2\d\d$/.test(status) ? Number(status) : 299.5; // "2XX" after the exact codes
}

/** The first 2xx response with a JSON body, else the first 2xx at all. */
function response(responses: Record<string, unknown> | undefined): OperationResponse | null {
  const statuses = Object.keys(responses ?? {})
    .filter((s) => /^2(\d\d|XX)$/i.test(s))
    .sort((a, b) => statusOrder(a) - statusOrder(b));
  let fallback: OperationResponse | null = null;
  for (const status of statuses) {
    const parsed = RawResponse.safeParse(responses![status]);
    if (!parsed.success) continue;
    const description = parsed.data.description ? { description: parsed.data.description } : {};
    const media = firstMedia(parsed.data.content, chooseResponseType);
    if (media.type && media.schema !== undefined) return { status, contentType: media.type, ...description, schema: boundedSchema(media.schema) };
    fallback ??= { status, ...(media.type ? { contentType: media.type } : {}), ...description };
  }
  return fallback;
}

function placeholders(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!);
}

export function indexOperations(doc: Raw, family: SpecFamily): { operations: Operation[]; warnings: DescriptionProblem[] } {
  const paths = isRecord(doc.paths) ? doc.paths : {};
  const warnings: DescriptionProblem[] = [];
  const entries: Array<{ path: string; method: HttpMethod; item: Raw; op: z.infer<typeof RawOperation> }> = [];
  for (const path of Object.keys(paths)) {
    const item = paths[path];
    if (!isRecord(item) || !path.startsWith("/")) continue;
    for (const key of Object.keys(item)) {
      const method = key.toUpperCase() as HttpMethod;
      if (!HTTP_METHODS.includes(method)) continue;
      const parsed = RawOperation.safeParse(item[key]);
      if (!parsed.success) {
        warnings.push(problemAt(["paths", path, key], "this operation could not be read, so it is left out."));
        continue;
      }
      entries.push({ path, method, item, op: parsed.data });
    }
  }
  const ids = new OperationIds(entries.map((e) => e.op.operationId).filter((id): id is string => Boolean(id)));
  const operations: Operation[] = entries.map(({ path, method, item, op }) => {
    const merged = mergedParameters(item.parameters, op.parameters);
    const parts = family === "2.0" ? swagger2Parts(doc, op, merged) : { parameters: merged, requestBody: op.requestBody, responses: op.responses };
    const parameters = parts.parameters.map(parameter).filter((p): p is OperationParameter => p !== null);
    // A placeholder the description forgot to declare still has to be filled in.
    for (const name of placeholders(path)) {
      if (!parameters.some((p) => p.in === "path" && p.name === name)) parameters.push({ name, in: "path", required: true, schema: { type: "string" } });
    }
    const servers = openApiServers(family === "2.0" ? undefined : (op.servers ?? item.servers)).map((s) => s.url);
    return {
      ...ids.take(op.operationId, method, path),
      method,
      path,
      ...(op.summary?.trim() ? { summary: op.summary.trim() } : {}),
      ...(op.description?.trim() ? { description: op.description.trim() } : {}),
      tags: (op.tags ?? []).filter((t): t is string => typeof t === "string"),
      deprecated: op.deprecated === true,
      parameters,
      requestBody: parts.requestBody === undefined ? null : requestBody(parts.requestBody),
      response: response(isRecord(parts.responses) ? parts.responses : undefined),
      security: requirements(op.security ?? doc.security),
      ...(servers.length ? { servers } : {}),
    };
  });
  return { operations, warnings };
}
