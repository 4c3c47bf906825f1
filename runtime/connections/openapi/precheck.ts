// Checks made before the parser's, where its schema errors would point the wrong way. A parameter is a choice between
// several shapes in the specification's schema, so one without `in` is reported by the parser as lacking whatever
// the nearest shape needs ("required"); here it gets the sentence about what is really missing. Paths must start
// with "/", which the parser says without naming the path.
import { problemAt, type DescriptionProblem } from "./problems";
import type { SpecFamily } from "./version";

type Raw = Record<string, unknown>;

function isRecord(value: unknown): value is Raw {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];
const LOCATIONS: Record<SpecFamily, string[]> = { "2.0": ["path", "query", "header", "formData", "body"], "3.0": ["path", "query", "header", "cookie"], "3.1": ["path", "query", "header", "cookie"] };

function checkParameter(p: unknown, path: Array<string | number>, family: SpecFamily, out: DescriptionProblem[]): void {
  if (!isRecord(p) || typeof p.$ref === "string") return;
  if (typeof p.name !== "string" || p.name === "") out.push(problemAt(path, 'a parameter needs a "name".'));
  if (p.in === undefined) {
    out.push(problemAt(path, `a parameter needs an "in": where it goes, one of ${LOCATIONS[family].join(", ")}.`));
  } else if (!LOCATIONS[family].includes(String(p.in))) {
    const hint = family !== "2.0" && (p.in === "body" || p.in === "formData") ? "; in OpenAPI 3 a body is the operation's requestBody, not a parameter" : "";
    out.push(problemAt([...path, "in"], `${JSON.stringify(p.in)} is not a place a parameter can go; use one of ${LOCATIONS[family].join(", ")}${hint}.`));
  }
}

export interface Precheck {
  /** Path names without a leading "/": the parser checks nothing else then, so these are all there is to say. */
  pathNames: DescriptionProblem[];
  /** Parameters without a name or place; the parser's messages about the same parameters are left out. */
  parameters: DescriptionProblem[];
}

export function precheck(doc: Raw, family: SpecFamily): Precheck {
  const pathNames: DescriptionProblem[] = [];
  const out: DescriptionProblem[] = [];
  const paths = isRecord(doc.paths) ? doc.paths : {};
  for (const key of Object.keys(paths)) {
    if (!key.startsWith("/") && !key.startsWith("x-")) {
      pathNames.push(problemAt(["paths", key], `a path must start with "/" (write "/${key}").`));
      continue;
    }
    const item = paths[key];
    if (!isRecord(item)) continue;
    const lists: Array<[unknown, Array<string | number>]> = [[item.parameters, ["paths", key, "parameters"]]];
    for (const method of METHODS) if (isRecord(item[method])) lists.push([(item[method] as Raw).parameters, ["paths", key, method, "parameters"]]);
    for (const [list, at] of lists) if (Array.isArray(list)) list.forEach((p, i) => checkParameter(p, [...at, i], family, out));
  }
  const shared = family === "2.0" ? doc.parameters : isRecord(doc.components) ? doc.components.parameters : undefined;
  const sharedAt = family === "2.0" ? ["parameters"] : ["components", "parameters"];
  if (isRecord(shared)) for (const [name, p] of Object.entries(shared)) checkParameter(p, [...sharedAt, name], family, out);
  return { pathNames, parameters: out };
}
