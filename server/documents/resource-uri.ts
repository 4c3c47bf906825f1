// The URI an owner may give a document as an MCP resource, e.g. `handbook://travel` or
// `https://intranet.example.com/policies/travel.pdf`: clients that know a document by such a name (a prompt, a
// configuration, another system's link) find it under it, and it stays when the file is uploaded again, or deleted and
// uploaded anew. Toolflow's own `toolflow:` scheme is not given out: those URIs name documents by id and by name.
import { z } from "zod";
import { isToolflowUri } from "../../runtime/documents/uris";

export const MAX_RESOURCE_URI_CHARS = 500;

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** The problem with a URI as an owner typed it, or null when it will do. */
export function resourceUriProblem(uri: string): string | null {
  if (uri.length > MAX_RESOURCE_URI_CHARS) return `A resource URI can be at most ${MAX_RESOURCE_URI_CHARS} characters.`;
  if (!SCHEME.test(uri)) return "A resource URI starts with a scheme and a colon, e.g. handbook://travel or https://intranet.example.com/travel.pdf.";
  if (/[\s\u0000-\u001F\u007F-\u009F]/.test(uri)) return "A resource URI cannot contain spaces or control characters (write a space as %20).";
  if (isToolflowUri(uri)) return "toolflow: URIs are Toolflow's own (toolflow://documents/<id>); give the document a URI of another scheme.";
  return null;
}

/** A URI, or "" / null for none (trimmed). */
export const resourceUriSchema = z
  .string()
  .nullable()
  .transform((value) => value?.trim() || null)
  .superRefine((uri, ctx) => {
    const problem = uri === null ? null : resourceUriProblem(uri);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
