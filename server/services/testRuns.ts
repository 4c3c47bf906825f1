// Test runs from the editor: run a workflow's draft (or a given graph) through the same runtime as MCP calls, with the
// workspace's secrets and limits, and record it as a `test` run.
import { randomUUID } from "node:crypto";
import { compileWorkflow } from "../../runtime/compiler";
import { checkArguments, runWorkflow, type VersionSource } from "../../runtime/engine";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { liveRunnable } from "../mcp/backend";
import { recordRun } from "./runs";
import { resolveSecrets } from "./secrets";
import { findWorkflow, validateForWorkspace } from "./workflows";
import { getSettings, networkPolicy } from "./workspaceSettings";

export async function testRunWorkflow(
  db: Db,
  workspace: { id: string; slug: string },
  name: string,
  input: { draft?: unknown; args: unknown },
) {
  const workflow = await findWorkflow(db, workspace.id, name);
  const compiled = compileWorkflow(await validateForWorkspace(db, workspace.id, input.draft ?? workflow.draft));
  const args = checkArguments(compiled.inputSchema, input.args ?? {});
  if (!args.ok) throw new AppError("BAD_REQUEST", `Invalid test arguments: ${args.message}`, args.fields[0]);

  const settings = await getSettings(db, workspace.id);
  const versions: VersionSource = { getLive: (workspaceId, toolName) => liveRunnable(db, workspaceId, toolName) };
  const runId = randomUUID();
  const startedAt = new Date();
  const outcome = await runWorkflow({
    compiled,
    input: args.value,
    workspaceId: workspace.id,
    limits: settings.limits,
    policy: networkPolicy(settings),
    secrets: await resolveSecrets(db, workspace.id, compiled.secretNames),
    loadSecrets: (names) => resolveSecrets(db, workspace.id, names),
    versions,
    run: { id: runId, workspace: workspace.slug, client: { name: "Toolflow editor" } },
  });
  await recordRun(db, {
    id: runId,
    workspaceId: workspace.id,
    workflowId: workflow.id,
    versionId: null,
    trigger: "test",
    client: { name: "Toolflow editor" },
    startedAt,
    input: outcome.input ?? args.value,
    outcome,
  });
  return { runId, ...outcome };
}
