"use client";
// The output shapes of a draft's operation steps, from the operations their connections describe (the 2xx response
// schema as `{ status, headers, body }`), by node id: the field picker lists a response's properties and the checks
// know them before any test run. A step is one whose form has a connection and an operation field; an operation that
// cannot be read (no such connection yet) leaves the step's type's own shape. Each pair is asked once, cached with
// the operation form's query.
import { useQueries } from "@tanstack/react-query";
import { useCallback, useMemo } from "react";
import type { DeclaredShapes } from "../../../runtime/model";
import type { Shape } from "../../../runtime/model/shapes";
import { getNodeType } from "../../../runtime/nodes/registry";
import { useTRPC } from "../../lib/trpc";

interface StepNode {
  id: string;
  type: string;
  params?: unknown;
}

/** The connection and operation of each step whose form chooses both and that names both. */
export function operationSteps(nodes: readonly StepNode[]): Array<{ id: string; connection: string; operationId: string }> {
  return nodes.flatMap((n) => {
    const form = getNodeType(n.type)?.form ?? [];
    const connectionKey = form.find((f) => f.kind === "connection")?.key;
    const operationKey = form.find((f) => f.kind === "operation")?.key;
    if (!connectionKey || !operationKey) return [];
    const params = (n.params && typeof n.params === "object" ? n.params : {}) as Record<string, unknown>;
    const connection = params[connectionKey];
    const operationId = params[operationKey];
    return typeof connection === "string" && connection && typeof operationId === "string" && operationId ? [{ id: n.id, connection, operationId }] : [];
  });
}

const pairKey = (s: { connection: string; operationId: string }) => `${s.connection}\u0000${s.operationId}`;

export function useOperationShapes(workspace: string, nodes: readonly StepNode[]): DeclaredShapes {
  const trpc = useTRPC();
  const steps = useMemo(() => operationSteps(nodes), [nodes]);
  const pairs = [...new Map(steps.map((s) => [pairKey(s), s])).values()];
  const combine = useCallback((results: Array<{ data?: { outputShape: Shape } }>) => results.map((r) => r.data?.outputShape), []);
  const shapes = useQueries({
    queries: pairs.map((p) => ({ ...trpc.connections.operation.queryOptions({ workspace, name: p.connection, operationId: p.operationId }), retry: false, staleTime: 60_000 })),
    combine,
  });
  return useMemo(() => {
    const byPair = new Map<string, Shape | undefined>();
    [...new Map(steps.map((s) => [pairKey(s), s])).keys()].forEach((key, i) => byPair.set(key, shapes[i]));
    const out: DeclaredShapes = {};
    for (const s of steps) {
      const shape = byPair.get(pairKey(s));
      if (shape) out[s.id] = shape;
    }
    return out;
  }, [steps, shapes]);
}
