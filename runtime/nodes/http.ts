import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression, SecretName, StringMap } from "./common";
import { objectShape, UNKNOWN, valueShape } from "../model/shapes";

export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] as const;

const params = z.object({
  method: z.enum(HTTP_METHODS).default("GET"),
  url: z.string().min(1, "give the URL to call"),
  query: StringMap.optional(),
  headers: StringMap.optional(),
  body: z.unknown().optional(),
  bodyType: z.enum(["json", "form", "text"]).default("json"),
  // Kept raw: the host reads the secret by this name; its value never enters the sandbox.
  auth: z.object({ secret: SecretName, scheme: z.enum(["bearer", "basic", "header", "query"]).default("bearer"), name: z.string().optional() }).optional(),
  timeoutMs: orExpression(z.number().int().min(1).max(300_000)).default(10_000),
  retries: orExpression(z.number().int().min(0).max(5)).default(0),
  responseType: z.enum(["json", "text"]).default("json"),
  allowErrorStatus: z.boolean().default(false),
});

/** The host of a URL when it is one of the reserved example domains (example.com, .net, .org and their subdomains). */
export function placeholderHost(url: string): string | null {
  const host = /^\s*https?:\/\/(?:[^@/{}]*@)?([^/{}:?#\s]+)/i.exec(url)?.[1]?.toLowerCase();
  return host && /(^|\.)example\.(com|net|org)\.?$/.test(host) ? host : null;
}

export const httpNode = defineNode({
  type: "http",
  category: "integration",
  label: "HTTP request",
  icon: "M3 12a9 9 0 1 0 18 0a9 9 0 1 0-18 0M3 12h18M12 3c3.5 4 3.5 14 0 18M12 3c-3.5 4-3.5 14 0 18",
  // No `auth`: a new request sends no credential until one is chosen (an empty one would ask for a secret).
  initialParams: { method: "GET", bodyType: "json", timeoutMs: 10_000, retries: 0, responseType: "json", allowErrorStatus: false },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Calls a web API. Non-2xx statuses are errors unless allowed; 429 and 5xx are retried with backoff.",
  params,
  rawParams: ["auth"],
  form: [
    { key: "method", kind: "select", label: "Method", default: "GET", options: HTTP_METHODS.map((m) => ({ value: m, label: m })) },
    { key: "url", kind: "expression", label: "URL", required: true, placeholder: "https://api.example.com/customers/{{ input.id }}" },
    { key: "query", kind: "keyValue", label: "Query parameters" },
    { key: "headers", kind: "keyValue", label: "Headers" },
    { key: "body", kind: "json", label: "Body", showWhen: { key: "method", equals: ["POST", "PUT", "PATCH", "DELETE"] } },
    {
      key: "bodyType",
      kind: "select",
      label: "Body type",
      default: "json",
      options: [
        { value: "json", label: "JSON" },
        { value: "form", label: "Form (urlencoded)" },
        { value: "text", label: "Text" },
      ],
    },
    { key: "auth.secret", kind: "secret", label: "Credential", help: "A workspace secret; its value is added by the server and never shown." },
    {
      key: "auth.scheme",
      kind: "select",
      label: "Send credential as",
      default: "bearer",
      options: [
        { value: "bearer", label: "Authorization: Bearer" },
        { value: "basic", label: "Authorization: Basic (user:password)" },
        { value: "header", label: "Custom header" },
        { value: "query", label: "Query parameter" },
      ],
    },
    { key: "auth.name", kind: "text", label: "Header / parameter name", showWhen: { key: "auth.scheme", equals: ["header", "query"] } },
    { key: "timeoutMs", kind: "number", label: "Timeout (ms)", default: 10_000 },
    { key: "retries", kind: "number", label: "Retries", default: 0, help: "Retries on 429 and 5xx with exponential backoff (0–5)." },
    {
      key: "responseType",
      kind: "select",
      label: "Response",
      default: "json",
      options: [
        { value: "json", label: "JSON" },
        { value: "text", label: "Text" },
      ],
    },
    { key: "allowErrorStatus", kind: "boolean", label: "Treat 4xx/5xx as a normal response", default: false },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ status, headers, body }`: body parsed as JSON or kept as text." },
  outputShape: (p) => objectShape({ status: valueShape("number"), headers: objectShape({}, false), body: p.responseType === "text" ? valueShape("string") : UNKNOWN }),
  hostSecrets: (p) => (p.auth ? [p.auth.secret] : []),
  // Templates call `crm.example.com` and the like (RFC 2606 names that never answer): publishing one unchanged would
  // give a tool that always fails, so the placeholder is a problem until the builder puts in their own system.
  check(p) {
    const host = placeholderHost(p.url);
    return host ? [{ path: "url", message: `The address still uses the example host "${host}". Replace it with the address of your own system.` }] : [];
  },
  compile: () => `return await rt.host("http", p);`,
});
