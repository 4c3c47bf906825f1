// Base URLs of an API: OpenAPI 3 `servers` with their variables filled in, or Swagger 2's `schemes`, `host` and
// `basePath` made into one URL (https when the API offers it).
import type { Server } from "./model";

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function trimSlash(url: string): string {
  return url.length > 1 && url.endsWith("/") ? url.slice(0, -1) : url;
}

/** `https://{region}.api.test/{version}` with the variables' defaults. */
function fillVariables(url: string, variables: unknown): string {
  if (!isRecord(variables)) return url;
  return url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    const value = isRecord(variable) ? variable.default : undefined;
    return typeof value === "string" || typeof value === "number" ? String(value) : whole;
  });
}

export function openApiServers(list: unknown): Server[] {
  if (!Array.isArray(list)) return [];
  const servers: Server[] = [];
  for (const entry of list) {
    if (!isRecord(entry) || typeof entry.url !== "string") continue;
    servers.push({ url: trimSlash(fillVariables(entry.url.trim(), entry.variables)), ...(typeof entry.description === "string" ? { description: entry.description } : {}) });
  }
  return servers;
}

export function swaggerServers(doc: Record<string, unknown>): Server[] {
  const basePath = typeof doc.basePath === "string" && doc.basePath.startsWith("/") ? doc.basePath : "/";
  const host = typeof doc.host === "string" && doc.host.trim() ? doc.host.trim() : undefined;
  if (!host) return basePath === "/" ? [] : [{ url: trimSlash(basePath) }];
  const schemes = Array.isArray(doc.schemes) ? doc.schemes.filter((s): s is string => typeof s === "string").map((s) => s.toLowerCase()) : [];
  const scheme = schemes.includes("https") ? "https" : schemes.includes("http") ? "http" : (schemes[0] ?? "https");
  return [{ url: trimSlash(`${scheme}://${host}${basePath}`) }];
}
