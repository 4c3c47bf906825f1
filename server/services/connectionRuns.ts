// Connections as runs see them. At compile time (publish, test run) every `operation` step's operation is looked up
// and frozen into the version, or the step gets a problem naming it. At run time the runtime asks for connections
// by name (base URL, hosts, decrypted credential) and for OAuth access tokens, host side only.
import { compileWorkflow, type CompiledWorkflow } from "../../runtime/compiler";
import { freezeOperation, type ConnectionAuth, type ConnectionSource, type FrozenOperation, type RunConnection } from "../../runtime/connections/runtime";
import { OperationParamsSchema } from "../../runtime/connections/openapi/operation-params";
import { operationOutputShape } from "../../runtime/connections/openapi/shape";
import { checkReferences, type DeclaredShapes } from "../../runtime/model/references";
import { stepName } from "../../runtime/model/messages";
import type { Problem, Workflow } from "../../runtime/model";
import { getNodeType } from "../../runtime/nodes/registry";
import type { Db } from "../db/client";
import { authConfigOf, storedHosts } from "./connections";
import { loadOperation } from "./connectionDescriptions";
import { connectionAccessToken } from "./connectionOAuth";
import { openConnectionValue } from "./connectionSecrets";
import { ImportProblems, validateForWorkspace } from "./workflows";

const OPERATION_TYPE = "operation";

function cap(text: string): string {
  return text[0]!.toUpperCase() + text.slice(1);
}

/**
 * The operations a workflow's `operation` steps call, frozen as their connections describe them now. Problems name
 * the step: a connection that does not exist, one without a description, an operation it does not have.
 */
export async function resolveOperations(
  db: Db,
  workspaceId: string,
  workflow: Workflow,
): Promise<{ operations: FrozenOperation[]; problems: Problem[]; /** Each step's output as its operation's response declares it. */ shapes: DeclaredShapes }> {
  const steps = workflow.nodes.filter((n) => n.type === OPERATION_TYPE);
  const problems: Problem[] = [];
  const operations = new Map<string, FrozenOperation>();
  const shapes: DeclaredShapes = {};
  if (steps.length === 0) return { operations: [], problems, shapes };
  const label = getNodeType(OPERATION_TYPE)?.label;
  const names = [...new Set(steps.map((s) => OperationParamsSchema.safeParse(s.params).data?.connection).filter((n): n is string => !!n))];
  const rows = await db.connection.findMany({ where: { workspaceId, name: { in: names } }, select: { id: true, name: true, importedAt: true } });
  const byName = new Map(rows.map((r) => [r.name, r]));
  const loaded = new Map<string, Awaited<ReturnType<typeof loadOperation>>>();
  for (const step of steps) {
    const params = OperationParamsSchema.safeParse(step.params);
    if (!params.success) continue; // the validator has said what is wrong with it
    const { connection, operationId } = params.data;
    const who = cap(stepName(step, label));
    const row = byName.get(connection);
    if (!row) {
      problems.push({ nodeId: step.id, path: "params.connection", message: `${who} calls the connection "${connection}", which does not exist in this workspace; create it in Settings → Connections or choose another.` });
      continue;
    }
    if (!row.importedAt) {
      problems.push({ nodeId: step.id, path: "params.connection", message: `${who} calls the connection "${connection}", which has no API description yet; an owner can import one in Settings → Connections.` });
      continue;
    }
    const key = `${connection}\u0000${operationId}`;
    const operation = loaded.has(key) ? (loaded.get(key) ?? null) : await loadOperation(db, row.id, operationId);
    loaded.set(key, operation);
    if (!operation) {
      problems.push({ nodeId: step.id, path: "params.operationId", message: `${who} calls the operation "${operationId}", which the connection "${connection}" does not have (its description may have changed); choose another operation.` });
      continue;
    }
    shapes[step.id] = operationOutputShape(operation);
    if (!operations.has(key)) operations.set(key, freezeOperation(connection, operation));
  }
  return { operations: [...operations.values()], problems, shapes };
}

/** The operation steps' problems in a draft (which may be unfinished), for the editor to show before publishing. */
export async function checkOperationSteps(db: Db, workspaceId: string, draft: unknown): Promise<Problem[]> {
  const nodes = draft && typeof draft === "object" && Array.isArray((draft as { nodes?: unknown }).nodes) ? (draft as { nodes: unknown[] }).nodes : [];
  const steps = nodes.filter((n): n is Workflow["nodes"][number] => !!n && typeof n === "object" && typeof (n as { id?: unknown }).id === "string" && (n as { type?: unknown }).type === OPERATION_TYPE);
  return (await resolveOperations(db, workspaceId, { nodes: steps } as Workflow)).problems;
}

/**
 * Validate, resolve operations, compile: what publish and test runs do. Expressions are checked again against the
 * operations' response schemas (`steps.call.body.<field>`), which the file alone does not know. Throws ImportProblems
 * naming every step.
 */
export async function compileForWorkspace(db: Db, workspaceId: string, doc: unknown): Promise<CompiledWorkflow & { operations: FrozenOperation[] }> {
  const workflow = await validateForWorkspace(db, workspaceId, doc);
  const { operations, problems, shapes } = await resolveOperations(db, workspaceId, workflow);
  if (problems.length) throw new ImportProblems(problems);
  if (Object.keys(shapes).length) {
    const wrong = checkReferences(workflow, {}, shapes).filter((p) => p.severity !== "warning");
    if (wrong.length) throw new ImportProblems(wrong);
  }
  return { ...compileWorkflow(workflow), operations };
}

/** The connections a run uses, with their credentials decrypted: host side only, never sent to a browser. */
export async function loadRunConnections(db: Db, workspaceId: string, names: readonly string[]): Promise<Record<string, RunConnection>> {
  if (!names.length) return {};
  const rows = await db.connection.findMany({ where: { workspaceId, name: { in: [...names] } } });
  const out: Record<string, RunConnection> = {};
  for (const row of rows) {
    const auth = authConfigOf(row);
    const secret = row.credential ? openConnectionValue(workspaceId, row.id, "credential", row.credential) : undefined;
    let runAuth: ConnectionAuth;
    switch (auth.kind) {
      case "api_key":
        runAuth = secret === undefined ? missing(row.name, "API key") : { kind: "api_key", in: auth.in, name: auth.name, value: secret };
        break;
      case "bearer":
        runAuth = secret === undefined ? missing(row.name, "token") : { kind: "bearer", token: secret };
        break;
      case "basic":
        runAuth = secret === undefined ? missing(row.name, "password") : { kind: "basic", username: auth.username, password: secret };
        break;
      case "oauth2_client_credentials":
      case "oauth2_authorization_code":
        runAuth = { kind: "oauth2" };
        break;
      default:
        runAuth = { kind: "none" };
    }
    out[row.name] = { name: row.name, baseUrl: row.baseUrl, hosts: storedHosts(row.hosts), auth: runAuth };
  }
  return out;
}

/** A connection whose credential is not set cannot send a request without it: the call fails saying so. */
function missing(name: string, what: string): never {
  throw new MissingCredential(`The connection "${name}" has no ${what} set yet; an owner can set it in Settings → Connections.`);
}

export class MissingCredential extends Error {}

/** The runtime's view of the workspace's connections (runtime/connections/runtime.ts). */
export function connectionSource(db: Db, workspaceId: string): ConnectionSource {
  return {
    load: (names) => loadRunConnections(db, workspaceId, names),
    accessToken: (name, options) => connectionAccessToken(db, workspaceId, name, options),
  };
}
