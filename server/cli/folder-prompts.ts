// The prompts of a folder export (`toolflow export` / `import`, SPEC §14–15): one `toolflow.prompt/v1` file per
// prompt under prompts/, the draft with its documents named by name (docs/prompt-files.md). Versions are not
// exported, like workflows' are not; an import writes drafts and publishes nothing.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Db } from "../db/client";
import { importPrompt, promptFromFile, PromptFileProblems, promptToFile, PROMPT_FILE_SUFFIX } from "../services/promptFiles";
import { canonicalJson } from "../services/workflows";
import type { PromptDefinition } from "../../runtime/model/prompt";

export const PROMPTS_DIR = "prompts";

/** Writes every prompt's draft as prompts/<name>.prompt.json, replacing what an earlier export wrote. */
export async function exportPrompts(db: Db, workspaceId: string, dir: string, json: (value: unknown) => string): Promise<number> {
  rmSync(join(dir, PROMPTS_DIR), { recursive: true, force: true });
  const prompts = await db.prompt.findMany({ where: { workspaceId }, orderBy: { name: "asc" }, select: { name: true, draft: true } });
  if (!prompts.length) return 0;
  mkdirSync(join(dir, PROMPTS_DIR), { recursive: true });
  for (const p of prompts) writeFileSync(join(dir, PROMPTS_DIR, `${p.name}${PROMPT_FILE_SUFFIX}`), json(await promptToFile(db, workspaceId, p.draft as PromptDefinition)));
  return prompts.length;
}

export interface PromptPlan {
  file: string;
  doc: unknown;
  unchanged: boolean;
}

/**
 * Checks the folder's prompt files against the workspace (and the documents the folder brings), adding each problem
 * with its file name; an existing prompt whose draft differs is only replaced with --replace.
 */
export async function planPromptImport(db: Db, workspaceId: string, dir: string, options: { replace: boolean; documents: ReadonlySet<string> }, problems: string[]): Promise<PromptPlan[]> {
  const folder = join(dir, PROMPTS_DIR);
  if (!existsSync(folder)) return [];
  const plans: PromptPlan[] = [];
  for (const name of readdirSync(folder).filter((f) => f.endsWith(PROMPT_FILE_SUFFIX)).sort()) {
    const file = join(PROMPTS_DIR, name);
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(join(dir, file), "utf8"));
    } catch (error) {
      problems.push(`${file}: cannot be read as JSON (${(error as Error).message}).`);
      continue;
    }
    let definition: PromptDefinition;
    try {
      definition = await promptFromFile(db, workspaceId, doc, { pendingDocuments: options.documents });
    } catch (error) {
      if (!(error instanceof PromptFileProblems)) throw error;
      problems.push(...error.problems.map((p) => `${file}: ${p.message}`));
      continue;
    }
    if (`${definition.name}${PROMPT_FILE_SUFFIX}` !== name) {
      problems.push(`${file}: the prompt inside is named "${definition.name}"; the file must be called ${definition.name}${PROMPT_FILE_SUFFIX}.`);
      continue;
    }
    const current = await db.prompt.findUnique({ where: { workspaceId_name: { workspaceId, name: definition.name } }, select: { draft: true } });
    // Compared as drafts: the file's document names are resolved to this workspace's ids, and defaults filled in.
    const unchanged = !!current && canonicalJson(current.draft) === canonicalJson(definition);
    if (current && !unchanged && !options.replace) problems.push(`${file}: the workspace already has a prompt "${definition.name}" with a different draft; pass --replace to overwrite its draft.`);
    plans.push({ file, doc, unchanged });
  }
  return plans;
}

/** Imports planned prompts, after the folder's documents are in. */
export async function importPlannedPrompts(db: Db, workspaceId: string, plans: PromptPlan[]): Promise<{ created: number; updated: number; unchanged: number }> {
  const done = { created: 0, updated: 0, unchanged: 0 };
  for (const plan of plans) {
    if (plan.unchanged) {
      done.unchanged++;
      continue;
    }
    const result = await importPrompt(db, workspaceId, null, plan.doc);
    done[result.created ? "created" : "updated"]++;
  }
  return done;
}
