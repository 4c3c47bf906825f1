// Swagger 2 operations in OpenAPI 3 terms, so one code path indexes both: `body` and `formData` parameters become a
// request body (media type from `consumes`), other parameters get a `schema` from their inline type, and responses
// get `content` from `produces`.
import { FORM_URLENCODED, MULTIPART } from "./media-types";

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const SCHEMA_KEYS = ["type", "format", "enum", "default", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "minLength", "maxLength", "pattern", "minItems", "maxItems", "uniqueItems", "multipleOf", "description"];

/** The JSON Schema of a Swagger 2 non-body parameter (or of its `items`). */
export function inlineSchema(param: Raw): Raw {
  const schema: Raw = {};
  // A parameter's own description stays on the parameter; an `items` object's is the schema's.
  for (const key of SCHEMA_KEYS) if (param[key] !== undefined && !(key === "description" && "in" in param)) schema[key] = param[key];
  if (param.type === "file") {
    schema.type = "string";
    schema.format = "binary";
  }
  if (isRecord(param.items)) schema.items = inlineSchema(param.items);
  return schema;
}

/** `collectionFormat` as OpenAPI 3's style and explode. */
export function styleOf(param: Raw, location: string): { style?: string; explode?: boolean } {
  if (param.type !== "array") return {};
  const format = typeof param.collectionFormat === "string" ? param.collectionFormat : "csv";
  const inQuery = location === "query" || location === "formData";
  switch (format) {
    case "multi":
      return { style: "form", explode: true };
    case "ssv":
      return { style: "spaceDelimited", explode: false };
    case "pipes":
      return { style: "pipeDelimited", explode: false };
    case "tsv":
      return { style: "tabDelimited", explode: false };
    default:
      return inQuery ? { style: "form", explode: false } : { style: "simple", explode: false };
  }
}

export interface Swagger2Parts {
  /** Path, query, header parameters as OpenAPI 3 parameter objects. */
  parameters: Raw[];
  /** An OpenAPI 3 request body object, or undefined. */
  requestBody?: Raw;
  /** OpenAPI 3 response objects by status. */
  responses: Record<string, Raw>;
}

function mediaList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

export function swagger2Parts(doc: Raw, operation: Raw, parameters: Raw[]): Swagger2Parts {
  const consumes = mediaList(operation.consumes ?? doc.consumes);
  const produces = mediaList(operation.produces ?? doc.produces);
  const out: Raw[] = [];
  let body: Raw | undefined;
  const form: Raw[] = [];
  for (const param of parameters) {
    if (param.in === "body") body = param;
    else if (param.in === "formData") form.push(param);
    else out.push({ name: param.name, in: param.in, required: param.required, description: param.description, schema: inlineSchema(param), ...styleOf(param, String(param.in)) });
  }
  let requestBody: Raw | undefined;
  if (body) {
    const types = consumes.filter((t) => !t.startsWith(FORM_URLENCODED) && !t.startsWith(MULTIPART));
    const content: Raw = {};
    for (const type of types.length ? types : ["application/json"]) content[type] = { schema: body.schema };
    requestBody = { required: body.required === true, description: body.description, content };
  } else if (form.length > 0) {
    const properties: Raw = {};
    const required: string[] = [];
    for (const param of form) {
      if (typeof param.name !== "string") continue;
      properties[param.name] = { ...inlineSchema(param), ...(typeof param.description === "string" ? { description: param.description } : {}) };
      if (param.required === true) required.push(param.name);
    }
    const formTypes = consumes.filter((t) => t.startsWith(FORM_URLENCODED) || t.startsWith(MULTIPART));
    const types = formTypes.length ? formTypes : [form.some((p) => p.type === "file") ? MULTIPART : FORM_URLENCODED];
    const schema = { type: "object", properties, ...(required.length ? { required } : {}) };
    const content: Raw = {};
    for (const type of types) content[type] = { schema };
    requestBody = { required: required.length > 0, content };
  }
  const responses: Record<string, Raw> = {};
  for (const [status, response] of Object.entries(isRecord(operation.responses) ? operation.responses : {})) {
    if (!isRecord(response)) continue;
    const content: Raw = {};
    if (response.schema !== undefined) for (const type of produces.length ? produces : ["application/json"]) content[type] = { schema: response.schema };
    responses[status] = { description: response.description, content };
  }
  return { parameters: out, ...(requestBody ? { requestBody } : {}), responses };
}
