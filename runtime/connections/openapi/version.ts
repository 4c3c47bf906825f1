// Which specification a description follows, decided before validating so that a file of another kind (a Postman
// collection, an AsyncAPI file, a plain string) gets a sentence saying what it is, not a page of schema errors.
import { DescriptionError, problemAt } from "./problems";

export type SpecFamily = "2.0" | "3.0" | "3.1";

export interface SpecVersion {
  family: SpecFamily;
  /** As written: "2.0", "3.0.3", "3.1.0". */
  version: string;
}

function kindOf(value: unknown): string {
  if (value === null || value === undefined) return "nothing";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "string") return "a piece of text";
  return `a ${typeof value}`;
}

function fail(path: string[] | undefined, sentence: string): never {
  throw new DescriptionError([problemAt(path, sentence)]);
}

export function detectVersion(value: unknown): SpecVersion {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    fail(undefined, `the description is ${kindOf(value)}, not an API description: an OpenAPI description is an object starting with "openapi": "3.1.0" (or "swagger": "2.0" for Swagger).`);
  }
  const doc = value as Record<string, unknown>;
  if ("swagger" in doc) {
    if (doc.swagger === "2.0") return { family: "2.0", version: "2.0" };
    if (doc.swagger === 2) fail(["swagger"], 'write the version as text, "2.0" (in YAML: swagger: "2.0"); as a bare number it reads as 2.');
    fail(["swagger"], `Swagger ${JSON.stringify(doc.swagger)} is not supported; Toolflow reads Swagger "2.0" and OpenAPI 3.0 and 3.1.`);
  }
  if ("openapi" in doc) {
    const version = doc.openapi;
    if (typeof version === "number") fail(["openapi"], `write the version as text with all three parts, e.g. "3.0.3" (in YAML, in quotes); ${version} reads as a number.`);
    if (typeof version !== "string") fail(["openapi"], `the version must be text like "3.1.0", not ${kindOf(version)}.`);
    if (/^3\.0\.\d+(-.+)?$/.test(version)) return { family: "3.0", version };
    if (/^3\.1\.\d+(-.+)?$/.test(version)) return { family: "3.1", version };
    if (/^3\.[01]$/.test(version)) fail(["openapi"], `give the full version with three parts, e.g. "${version}.0".`);
    fail(["openapi"], `OpenAPI ${JSON.stringify(version)} is not supported; Toolflow reads OpenAPI 3.0 and 3.1 and Swagger 2.0.`);
  }
  if ("asyncapi" in doc) fail(undefined, "this is an AsyncAPI description (events and messages); Toolflow reads OpenAPI and Swagger descriptions of HTTP APIs.");
  const info = doc.info as Record<string, unknown> | undefined;
  if (info && typeof info === "object" && ("_postman_id" in info || String(info.schema ?? "").includes("getpostman.com"))) {
    fail(undefined, "this is a Postman collection, not an OpenAPI description; export the API as OpenAPI 3 from Postman (or convert it) and import that.");
  }
  fail(undefined, 'this is not an OpenAPI or Swagger description: it has no "openapi" (or "swagger") field at its top.');
}
