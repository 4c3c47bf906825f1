// importDescription: text or object → the normalised description (model.ts), or the problems that stop it, each a
// sentence naming its place. Steps: read the text ourselves, inspect it (size, depth, references outside it), decide
// the specification, precheck what the parser would explain badly, validate with the parser, dereference, index.
import type { ImportResult } from "./model";
import { indexOperations } from "./operations";
import { checkAgainstSpec, dereferenceDescription } from "./parser";
import { inspectDescription } from "./inspect";
import { MAX_PROBLEMS } from "./limits";
import { precheck } from "./precheck";
import { DescriptionError, type DescriptionProblem } from "./problems";
import { readSource } from "./read-source";
import { securitySchemes } from "./security";
import { openApiServers, swaggerServers } from "./servers";
import { detectVersion } from "./version";

type Raw = Record<string, unknown>;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() ? value.trim() : typeof value === "number" ? String(value) : undefined;
}

export async function importDescription(source: string | object): Promise<ImportResult> {
  let warnings: DescriptionProblem[] = [];
  try {
    const read = readSource(source);
    const problems = inspectDescription(read.value);
    if (problems.length > 0) return { ok: false, problems, warnings };
    const spec = detectVersion(read.value);
    const doc = read.value as Raw;
    const early = precheck(doc, spec.family);
    if (early.pathNames.length > 0) return { ok: false, problems: early.pathNames.slice(0, MAX_PROBLEMS), warnings };

    // The parser changes what it is given (it resolves references in place), so it gets fresh copies: one to validate
    // (its messages are located in what it made of it), one to dereference. The inspection above bounds their cost.
    const fresh = (): Raw => (read.format === "json" && typeof source === "string" ? JSON.parse(source.replace(/^\uFEFF/, "")) : JSON.parse(JSON.stringify(doc)));
    const checked = await checkAgainstSpec(fresh());
    warnings = checked.warnings;
    // The parser's messages about a part the precheck already explained would only point the wrong way.
    const explained = (place: string | undefined) =>
      early.parameters.some((p) => place !== undefined && p.place !== undefined && (place === p.place || place.startsWith(`${p.place}.`) || place.startsWith(`${p.place}[`)));
    const errors = [...early.parameters, ...checked.errors.filter((p) => !explained(p.place))];
    if (errors.length > 0) return { ok: false, problems: errors.slice(0, MAX_PROBLEMS + 1), warnings };
    const resolved = await dereferenceDescription(read.format === "object" ? fresh() : doc);

    const info = (resolved.info ?? {}) as Raw;
    const indexed = indexOperations(resolved, spec.family);
    warnings = [...warnings, ...indexed.warnings];
    const description = text(info.description);
    return {
      ok: true,
      description: {
        title: text(info.title) ?? "Untitled API",
        version: text(info.version) ?? "",
        ...(description ? { description } : {}),
        specVersion: spec.version,
        servers: spec.family === "2.0" ? swaggerServers(resolved) : openApiServers(resolved.servers),
        securitySchemes: securitySchemes(resolved, spec.family),
        operations: indexed.operations,
      },
      warnings,
    };
  } catch (error) {
    if (error instanceof DescriptionError) return { ok: false, problems: error.problems, warnings };
    throw error;
  }
}
