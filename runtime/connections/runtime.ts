// What a run needs of connections (SPEC §13), as plain data and one small interface the server implements.
// - A compiled version freezes each operation it calls (method, path template, where each argument goes, the body's
//   media type) when it is published or test-run: later imports of the description never change what it sends.
// - The connection itself (base URL, hosts, credential) is looked up when the call runs, host side only, like a
//   secret: its values never enter the sandbox.
import { z } from "zod";
import { HttpMethodSchema, ParameterLocationSchema, type Operation } from "./openapi/model";

export const FrozenParameterSchema = z.object({
  name: z.string(),
  in: ParameterLocationSchema,
  required: z.boolean(),
  style: z.string().optional(),
  explode: z.boolean().optional(),
  /** The value is sent as a serialised document of this media type (OpenAPI 3 parameter `content`). */
  contentType: z.string().optional(),
});
export type FrozenParameter = z.infer<typeof FrozenParameterSchema>;

/** One operation as a version calls it, whatever its connection's description says later. */
export const FrozenOperationSchema = z.object({
  connection: z.string(),
  operationId: z.string(),
  method: HttpMethodSchema,
  /** The path template as the description writes it, e.g. `/vaults/{vaultUuid}/items`; appended to the base URL. */
  path: z.string(),
  parameters: z.array(FrozenParameterSchema),
  body: z.object({ contentType: z.string(), required: z.boolean() }).nullable(),
});
export type FrozenOperation = z.infer<typeof FrozenOperationSchema>;

/** What a version keeps of an operation of its connection's description. */
export function freezeOperation(connection: string, operation: Operation): FrozenOperation {
  return {
    connection,
    operationId: operation.operationId,
    method: operation.method,
    path: operation.path,
    parameters: operation.parameters.map((p) => ({
      name: p.name,
      in: p.in,
      required: p.required,
      ...(p.style !== undefined ? { style: p.style } : {}),
      ...(p.explode !== undefined ? { explode: p.explode } : {}),
      ...(p.contentType !== undefined ? { contentType: p.contentType } : {}),
    })),
    body: operation.requestBody ? { contentType: operation.requestBody.contentType, required: operation.requestBody.required } : null,
  };
}

/** How a connection authenticates, with its secret values: host side only. OAuth tokens come from the source. */
export type ConnectionAuth =
  | { kind: "none" }
  | { kind: "api_key"; in: "header" | "query"; name: string; value: string }
  | { kind: "bearer"; token: string }
  | { kind: "basic"; username: string; password: string }
  | { kind: "oauth2" };

export interface RunConnection {
  name: string;
  /** Absolute http(s) URL; operation paths are appended to it. */
  baseUrl: string;
  /** Hosts requests may reach besides the base URL's (names, IPs, `*.example.com`). */
  hosts: string[];
  auth: ConnectionAuth;
}

/** Where a run finds its connections: the server's storage (server/services/connectionRuns.ts). */
export interface ConnectionSource {
  /** The connections of these names that exist; the others are absent. */
  load(names: readonly string[]): Promise<Record<string, RunConnection>>;
  /**
   * OAuth 2.0: a valid access token, renewed when it expires within a minute. `rejected` is a token the API just
   * answered 401 to: a new one is fetched unless someone already did. Throws {@link ConnectionAuthError} when the
   * connection cannot get one (never connected, needs to be connected again, the token endpoint refused).
   */
  accessToken(name: string, options?: { rejected?: string }): Promise<string>;
}

/** A connection that cannot authenticate; the message says what an owner should do. */
export class ConnectionAuthError extends Error {
  constructor(
    message: string,
    readonly reason: "not_connected" | "needs_authorization" | "refused" | "unavailable",
  ) {
    super(message);
    this.name = "ConnectionAuthError";
  }
}
