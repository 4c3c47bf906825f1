// Test runs from the editor: run a workflow's draft (or a given graph) through the same runtime as MCP calls, with the
// workspace's secrets and limits, and record it as a `test` run.
import { randomUUID } from "node:crypto";
import { checkArguments, runWorkflow, type RunOutcome, type VersionSource } from "../../runtime/engine";
import { failureOutcome, secretValuesOf } from "../../runtime/engine/outcome";
import type { Db } from "../db/client";
import { AppError } from "../errors";
import { liveRunnable } from "../mcp/backend";
import { searchDocuments } from "./documents";
import { documentLinker } from "../mcp/documents";
import { recordRun } from "./runs";
import { resolveSecrets } from "./secrets";
import { compileForWorkspace, connectionSource } from "./connectionRuns";
import { findWorkflow } from "./workflows";
import { getSettings, networkPolicy } from "./workspaceSettings";
import { log } from "../ops/log";

const INTERNAL_MESSAGE = "Internal error while running the workflow; try again later.";

export async function testRunWorkflow(
  db: Db,
  workspace: { id: string; slug: string },
  name: string,
  input: { draft?: unknown; args: unknown },
) {
  const workflow = await findWorkflow(db, workspace.id, name);
  const compiled = await compileForWorkspace(db, workspace.id, input.draft ?? workflow.draft);
  const runId = randomUUID();
  const startedAt = new Date();
  const client = { name: "Toolflow editor" };
  // Every test run leaves a record, whatever happens to it (SPEC §11); recording itself never fails the run.
  const record = async (outcome: RunOutcome) => {
    try {
      await recordRun(db, { id: runId, workspaceId: workspace.id, workflowId: workflow.id, versionId: null, trigger: "test", client, startedAt, input: outcome.input, outcome });
    } catch (error) {
      log().error({ runId, err: error }, "could not record a test run");
    }
  };

  const args = checkArguments(compiled.inputSchema, input.args ?? {});
  if (!args.ok) {
    await record(failureOutcome({ code: "invalid_arguments", message: args.message, startedAt, input: input.args ?? {} }));
    throw new AppError("BAD_REQUEST", `Invalid test arguments: ${args.message}`, args.fields[0]);
  }

  let secrets: Awaited<ReturnType<typeof resolveSecrets>> | undefined;
  let outcome: RunOutcome;
  try {
    const settings = await getSettings(db, workspace.id);
    const versions: VersionSource = { getLive: (workspaceId, toolName) => liveRunnable(db, workspaceId, toolName) };
    secrets = await resolveSecrets(db, workspace.id, compiled.secretNames);
    outcome = await runWorkflow({
      compiled,
      input: args.value,
      workspaceId: workspace.id,
      limits: settings.limits,
      policy: networkPolicy(settings),
      secrets,
      loadSecrets: (names) => resolveSecrets(db, workspace.id, names),
      connections: connectionSource(db, workspace.id),
      versions,
      searchDocuments: (workspaceId, request) => searchDocuments(db, workspaceId, request),
      linkDocuments: documentLinker(db),
      run: { id: runId, workspace: workspace.slug, client },
    });
  } catch (error) {
    // The editor shows this like any failed run; the details are for the operator's log.
    log().error({ runId, workspace: workspace.slug, tool: name, err: error }, "test run failed");
    outcome = failureOutcome({ code: "internal", message: INTERNAL_MESSAGE, startedAt, input: args.value, secretValues: secretValuesOf(secrets) });
  }
  outcome = { ...outcome, input: outcome.input ?? args.value };
  await record(outcome);
  return { runId, ...outcome };
}
