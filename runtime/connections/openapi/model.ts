// What an import produces: the parts of an API description a connection needs, normalised across Swagger 2.0 and
// OpenAPI 3.0/3.1. Plain data (no cycles, bounded schemas), so it can be stored with the connection and sent to the
// editor as it is.
import { z } from "zod";
import { DescriptionProblemSchema } from "./problems";

export const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "OPTIONS", "HEAD", "PATCH", "TRACE"] as const;
export const HttpMethodSchema = z.enum(HTTP_METHODS);
export type HttpMethod = z.infer<typeof HttpMethodSchema>;

/** A JSON Schema as the index keeps it: bounded and acyclic (schema-copy.ts). */
export const JsonSchemaSchema = z.record(z.string(), z.unknown());

export const PARAMETER_LOCATIONS = ["path", "query", "header", "cookie"] as const;
export const ParameterLocationSchema = z.enum(PARAMETER_LOCATIONS);
export type ParameterLocation = z.infer<typeof ParameterLocationSchema>;

export const EnumValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const OperationParameterSchema = z.object({
  name: z.string(),
  in: ParameterLocationSchema,
  required: z.boolean(),
  description: z.string().optional(),
  deprecated: z.boolean().optional(),
  schema: JsonSchemaSchema,
  /** The allowed values, when the schema (or its array items) lists them. */
  enum: z.array(EnumValueSchema).optional(),
  /**
   * How the value is written into the request (OpenAPI 3 `style`/`explode`; Swagger 2 `collectionFormat` turned into
   * them: csv → form/simple, ssv → spaceDelimited, pipes → pipeDelimited, multi → form with explode, tsv → tabDelimited).
   */
  style: z.string().optional(),
  explode: z.boolean().optional(),
  /** Set when the value is sent as a serialised document of this media type (OpenAPI 3 `content`). */
  contentType: z.string().optional(),
});
export type OperationParameter = z.infer<typeof OperationParameterSchema>;

export const RequestBodySchema = z.object({
  /** The media type chosen to send: JSON first, then form-urlencoded, then multipart, else the first listed. */
  contentType: z.string(),
  /** Every media type the operation accepts, as listed. */
  contentTypes: z.array(z.string()),
  required: z.boolean(),
  description: z.string().optional(),
  schema: JsonSchemaSchema,
});
export type RequestBody = z.infer<typeof RequestBodySchema>;

export const OperationResponseSchema = z.object({
  /** The status code as the description writes it: "200", "201", "2XX". */
  status: z.string(),
  contentType: z.string().optional(),
  description: z.string().optional(),
  /** Absent when the response has no JSON body (a 204, or only XML). */
  schema: JsonSchemaSchema.optional(),
});
export type OperationResponse = z.infer<typeof OperationResponseSchema>;

export const OperationSchema = z.object({
  /** Unique in the description; what a workflow file records. */
  operationId: z.string(),
  /** "description": its own operationId; "generated": it had none (`get_contacts_id`); "renamed": a repeated one got a suffix. */
  idOrigin: z.enum(["description", "generated", "renamed"]),
  method: HttpMethodSchema,
  path: z.string(),
  summary: z.string().optional(),
  description: z.string().optional(),
  tags: z.array(z.string()),
  deprecated: z.boolean(),
  parameters: z.array(OperationParameterSchema),
  requestBody: RequestBodySchema.nullable(),
  /** The first 2xx response with a JSON body (or, failing that, the first 2xx). */
  response: OperationResponseSchema.nullable(),
  /** Ways to authenticate, any one of which will do; each lists security scheme ids used together. Empty: none needed. */
  security: z.array(z.array(z.string())),
  /** Base URLs of its own, when the operation (or its path) overrides the description's servers. */
  servers: z.array(z.string()).optional(),
});
export type Operation = z.infer<typeof OperationSchema>;

export const ServerSchema = z.object({
  /** With server variables replaced by their defaults; may be relative ("/v2") when the description gives no host. */
  url: z.string(),
  description: z.string().optional(),
});
export type Server = z.infer<typeof ServerSchema>;

const ScopesSchema = z.record(z.string(), z.string());
const SchemeBase = { id: z.string(), description: z.string().optional() };

export const SecuritySchemeSchema = z.discriminatedUnion("kind", [
  z.object({ ...SchemeBase, kind: z.literal("apiKey"), in: z.enum(["header", "query"]), parameterName: z.string() }),
  z.object({ ...SchemeBase, kind: z.literal("bearer"), bearerFormat: z.string().optional() }),
  z.object({ ...SchemeBase, kind: z.literal("basic") }),
  z.object({
    ...SchemeBase,
    kind: z.literal("oauth2"),
    clientCredentials: z.object({ tokenUrl: z.string(), refreshUrl: z.string().optional(), scopes: ScopesSchema }).optional(),
    authorizationCode: z.object({ authorizationUrl: z.string(), tokenUrl: z.string(), refreshUrl: z.string().optional(), scopes: ScopesSchema }).optional(),
  }),
  /** Described, but not a kind a connection can use (cookie API keys, OpenID Connect, implicit or password OAuth flows…). */
  z.object({ ...SchemeBase, kind: z.literal("unsupported"), type: z.string(), reason: z.string() }),
]);
export type SecurityScheme = z.infer<typeof SecuritySchemeSchema>;

export const ImportedDescriptionSchema = z.object({
  title: z.string(),
  version: z.string(),
  description: z.string().optional(),
  /** As written: "2.0", "3.0.3", "3.1.0". */
  specVersion: z.string(),
  servers: z.array(ServerSchema),
  securitySchemes: z.array(SecuritySchemeSchema),
  operations: z.array(OperationSchema),
});
export type ImportedDescription = z.infer<typeof ImportedDescriptionSchema>;

export const ImportResultSchema = z.discriminatedUnion("ok", [
  z.object({ ok: z.literal(true), description: ImportedDescriptionSchema, warnings: z.array(DescriptionProblemSchema) }),
  z.object({ ok: z.literal(false), problems: z.array(DescriptionProblemSchema).min(1), warnings: z.array(DescriptionProblemSchema) }),
]);
export type ImportResult = z.infer<typeof ImportResultSchema>;
