// `toolflow prompt …` (SPEC §8, §14): prompt templates from files kept in git, like `toolflow workflow …` does for
// workflows: import a `toolflow.prompt/v1` file as the draft, export a draft, publish, list versions, roll back.
import type { Command } from "commander";
import { exportPrompt, importPrompt, PromptFileProblems } from "../services/promptFiles";
import { listPromptVersions, listPrompts, publishPrompt, rollbackPrompt } from "../services/prompts";
import { action, database, out, readJsonFile, versionLine, versionNumber, workspaceId } from "./admin";
import { stableJson } from "./folder";

/** A file's problems, one per line, the way `workflow import` reports them. */
function reported<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return action(async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (!(error instanceof PromptFileProblems)) throw error;
      process.stderr.write(`${error.message}\n`);
      process.exitCode = 1;
    }
  });
}

export function registerPromptCommands(program: Command): void {
  const prompt = program.command("prompt").description("import, export, publish and roll back prompt templates");
  prompt
    .command("list")
    .description("list the workspace's prompts and which version of each is live")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (options: { workspace: string }) => {
        const db = await database();
        const prompts = await listPrompts(db, await workspaceId(db, options.workspace));
        if (!prompts.length) out(`${options.workspace} has no prompts (import one with: toolflow prompt import <file> --workspace ${options.workspace})`);
        for (const p of prompts) {
          const status = p.status.state === "draft" ? "draft only" : `v${p.status.version} live${p.status.changedSinceLive ? ", draft changed" : ""}`;
          out(`${p.name}  ${status}${p.title ? `  ${p.title}` : ""}`);
        }
      }),
    );
  prompt
    .command("import <file>")
    .description("import a toolflow.prompt/v1 file (an existing name gets its draft replaced)")
    .requiredOption("--workspace <slug>")
    .option("--publish", "publish it as the next version")
    .option("--note <note>", "note for the published version", "")
    .action(
      reported(async (file: string, options: { workspace: string; publish?: boolean; note: string }) => {
        const doc = readJsonFile(file);
        const db = await database();
        const id = await workspaceId(db, options.workspace);
        const imported = await importPrompt(db, id, null, doc);
        out(`${imported.created ? "imported" : "updated draft of"} prompt ${imported.name}`);
        if (options.publish) {
          const version = await publishPrompt(db, id, null, imported.name, { note: options.note });
          out(`published prompt ${imported.name} v${version.number}`);
        }
      }),
    );
  prompt
    .command("export <name>")
    .description("print a prompt's draft as a toolflow.prompt/v1 file")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (name: string, options: { workspace: string }) => {
        const db = await database();
        process.stdout.write(stableJson(await exportPrompt(db, await workspaceId(db, options.workspace), name)));
      }),
    );
  prompt
    .command("publish <name>")
    .requiredOption("--workspace <slug>")
    .option("--note <note>", "note for the version", "")
    .action(
      action(async (name: string, options: { workspace: string; note: string }) => {
        const db = await database();
        const version = await publishPrompt(db, await workspaceId(db, options.workspace), null, name, { note: options.note });
        out(`published prompt ${name} v${version.number}`);
      }),
    );
  prompt
    .command("versions <name>")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (name: string, options: { workspace: string }) => {
        const db = await database();
        for (const v of await listPromptVersions(db, await workspaceId(db, options.workspace), name)) out(versionLine(v));
      }),
    );
  prompt
    .command("rollback <name>")
    .description("make an earlier (or any) version live again")
    .requiredOption("--workspace <slug>")
    .requiredOption("--to <n>", "the version number to make live")
    .action(
      action(async (name: string, options: { workspace: string; to: string }) => {
        const number = versionNumber(options.to);
        const db = await database();
        await rollbackPrompt(db, await workspaceId(db, options.workspace), null, name, number);
        out(`prompt ${name} v${number} is live`);
      }),
    );
}
