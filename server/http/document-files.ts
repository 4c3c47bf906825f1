// Document files over plain HTTP, beside tRPC: uploads as the raw body of a POST (so the browser can report upload
// progress, and a file never passes through base64 and JSON), and downloads of the file as uploaded.
//
//   POST /api/documents/upload?workspace=<slug>&name=<file name>[&folder=…][&tag=…&tag=…][&language=…]
//   GET  /api/documents/file?workspace=<slug>&id=<document id>
//
// The same rules as tRPC: the session's person, the role (editor to upload, viewer to download), the app's own origin
// for the upload (CSRF), and the size limit checked from Content-Length before the body is read.
import type { IncomingMessage, ServerResponse } from "node:http";
import { getSessionUser } from "../auth/auth";
import { hasRole, type Role } from "../auth/roles";
import { appOrigins } from "../config";
import { getDb } from "../db/client";
import { describeBytes, documentCeilings, effectiveDocumentLimits } from "../documents/limits";
import { AppError } from "../errors";
import { documentFile, DocumentUploadRefused, uploadDocument, type DocumentDetails } from "../services/documents";
import { getSettings } from "../services/workspaceSettings";
import { findMembership } from "../services/workspaces";
import { headersOf } from "./fetch-bridge";
import { crossSiteRefusal } from "./origin-check";

export const DOCUMENT_UPLOAD_PATH = "/api/documents/upload";
export const DOCUMENT_FILE_PATH = "/api/documents/file";

/** Whether this module answers the path. */
export function isDocumentFilePath(pathname: string): boolean {
  return pathname === DOCUMENT_UPLOAD_PATH || pathname === DOCUMENT_FILE_PATH;
}

const STATUS: Record<AppError["code"], number> = { BAD_REQUEST: 400, UNAUTHORIZED: 401, FORBIDDEN: 403, NOT_FOUND: 404, CONFLICT: 409 };

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

/** The refusal as JSON: `{ error, reason? }`, the sentence for the person and a code for the app. */
function sendError(res: ServerResponse, status: number, error: string, reason?: string): void {
  sendJson(res, status, { error, ...(reason ? { reason } : {}) });
}

/**
 * Reads the body up to `max` bytes; null once it is longer. The rest of a longer body is read and dropped, so that the
 * sender gets to read the 413 instead of a broken connection, up to a bound past which the connection is cut.
 */
function readLimited(req: IncomingMessage, max: number): Promise<Uint8Array | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const over = () => size > max;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (!over()) chunks.push(chunk);
      else {
        chunks.length = 0;
        if (size > max + DISCARD_LIMIT_BYTES) {
          req.destroy();
          resolve(null);
        }
      }
    });
    req.on("end", () => resolve(over() ? null : new Uint8Array(Buffer.concat(chunks))));
    req.on("error", (error) => (over() ? resolve(null) : reject(error)));
  });
}

const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

async function member(req: IncomingMessage, res: ServerResponse, slug: string | null, minimum: Role) {
  const user = await getSessionUser(headersOf(req));
  if (!user) return void sendError(res, 401, "Sign in to continue.");
  const found = slug ? await findMembership(getDb(), slug, user.id) : null;
  // As tRPC answers it: "no such workspace" and "not a member" look the same.
  if (!found) return void sendError(res, 404, `Workspace "${slug ?? ""}" was not found.`);
  if (!hasRole(found.role, minimum)) return void sendError(res, 403, `This needs the ${minimum} role; you are a ${found.role} in this workspace.`);
  return { user, workspace: found.workspace };
}

async function upload(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
  const refusal = crossSiteRefusal(headersOf(req), new Set(appOrigins()));
  if (refusal) return sendError(res, 403, refusal);
  const access = await member(req, res, params.get("workspace"), "editor");
  if (!access) return;
  const name = params.get("name") ?? "";
  const limits = effectiveDocumentLimits(await getSettings(getDb(), access.workspace.id), documentCeilings());
  const declared = Number(req.headers["content-length"]);
  // Nothing past the limit is kept, whatever Content-Length says (or does not say).
  const bytes = await readLimited(req, limits.documentMaxBytes);
  if (!bytes) {
    const size = Number.isFinite(declared) && declared > limits.documentMaxBytes ? describeBytes(declared) : `larger than ${describeBytes(limits.documentMaxBytes)}`;
    res.setHeader("connection", "close");
    return sendError(res, 413, `"${name}" is ${size}; documents can be at most ${describeBytes(limits.documentMaxBytes)} in this workspace.`, "too_large");
  }
  const tags = params.getAll("tag");
  const document = await uploadDocument(getDb(), access.workspace.id, access.user.id, {
    name,
    bytes,
    ...(params.has("folder") ? { folder: params.get("folder")! } : {}),
    ...(tags.length ? { tags } : {}),
    ...(params.get("language") ? { language: params.get("language") as DocumentDetails["language"] } : {}),
  });
  sendJson(res, 200, document);
}

async function download(req: IncomingMessage, res: ServerResponse, params: URLSearchParams): Promise<void> {
  const access = await member(req, res, params.get("workspace"), "viewer");
  if (!access) return;
  const file = await documentFile(getDb(), access.workspace.id, params.get("id") ?? "");
  // Always a download, never rendered: an uploaded HTML file must not run as a page of this origin.
  res.writeHead(200, {
    "content-type": "application/octet-stream",
    "content-disposition": `attachment; filename="${file.name.replace(/[^\x20-\x7e]|"/g, "_")}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
    "content-length": String(file.content.byteLength),
    "x-content-type-options": "nosniff",
    "cache-control": "private, no-store",
  });
  res.end(Buffer.from(file.content));
}

export async function serveDocumentFiles(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  try {
    if (url.pathname === DOCUMENT_UPLOAD_PATH) {
      if (req.method !== "POST") return void res.writeHead(405, { allow: "POST" }).end();
      return await upload(req, res, url.searchParams);
    }
    if (req.method !== "GET" && req.method !== "HEAD") return void res.writeHead(405, { allow: "GET, HEAD" }).end();
    return await download(req, res, url.searchParams);
  } catch (error) {
    if (error instanceof AppError) return sendError(res, STATUS[error.code], error.message, error instanceof DocumentUploadRefused ? error.reason : undefined);
    throw error;
  }
}
