"use client";
// The card every node type is drawn with: type icon and label, id, key params, validation problems and the last test
// run's status, duration and output. Handles come from the node type's descriptor.
import { Badge, Box, Group, Text, Tooltip } from "@mantine/core";
import { Handle, Position, useUpdateNodeInternals, type Node, type NodeProps } from "@xyflow/react";
import { memo, useEffect, useRef } from "react";
import type { HandleSpec } from "../../../runtime/nodes/types";
import { getNodeType } from "../../../runtime/nodes/registry";
import { CATEGORY_COLORS, NODE_WIDTH, acceptsInput, handleId, keyParams, nodeHandles, preview, type DocNode, type RunEntry } from "./graph";
import { NodeIcon } from "./NodeIcon";
import { ProblemText } from "./ProblemText";
import { FieldChip } from "./nocode/FieldChip";
import { refText } from "./nocode/paths";

export type RunInfo = RunEntry;
export type DiffMark = "added" | "removed" | "changed";
const DIFF_COLORS: Record<DiffMark, string> = { added: "green", removed: "red", changed: "yellow" };

export interface FlowNodeData extends Record<string, unknown> {
  nodeId: string;
  type: string;
  typeLabel: string;
  category: string;
  label?: string;
  keyParams: Array<{ label: string; value: string }>;
  /** What is wrong with the step; `warning` ones are only inferred (the last test run) and never block. */
  problems: Array<{ message: string; warning: boolean }>;
  run?: RunInfo;
  handles: HandleSpec[];
  acceptsInput: boolean;
  parent?: string;
  readOnly: boolean;
  /** Set on the versions page: how this node differs between the two versions compared. */
  diff?: DiffMark;
  /** The field names a key param lists (the input's parameters, a set step's fields), as paths to drag into forms. */
  fields?: { label: string; items: Array<{ name: string; path: string }> };
}

/**
 * The field names a card lists (the parameters of the tool input, a set step's fields, the answers of ask_user), as
 * paths to drag into forms: the names in the node's `fields` list, when its form edits them as a list of named fields.
 */
function cardFields(n: DocNode): FlowNodeData["fields"] {
  const descriptor = getNodeType(n.type);
  const form = descriptor?.form.find((f) => f.key === "fields" && (f.kind === "paramBuilder" || f.kind === "fieldList"));
  const list = n.params?.fields;
  if (!descriptor || !form || !Array.isArray(list)) return undefined;
  const names = list.map((f: { name?: unknown }) => (typeof f?.name === "string" ? f.name : "")).filter(Boolean);
  if (!names.length) return undefined;
  // The tool input's fields are `input.*`; every other step's are its own output's, `steps.<id>.*`.
  const root = descriptor.category === "trigger" ? ["input"] : ["steps", n.id];
  return { label: form.label, items: names.map((name) => ({ name, path: refText([...root, name]) })) };
}

const MAX_CHIPS = 6;

export type FlowNodeType = Node<FlowNodeData, "tf">;

/** What a document node's card shows; the editor and the read-only canvases (versions, runs) build cards alike. */
export function cardData(n: DocNode, extra: Pick<FlowNodeData, "problems" | "run" | "readOnly" | "diff">): FlowNodeData {
  const descriptor = getNodeType(n.type);
  return {
    nodeId: n.id,
    type: n.type,
    typeLabel: descriptor?.label ?? n.type,
    category: descriptor?.category ?? "data",
    label: n.label,
    keyParams: keyParams(n),
    handles: nodeHandles(n),
    acceptsInput: acceptsInput(n),
    parent: n.parent,
    fields: cardFields(n),
    ...extra,
  };
}

function FlowNodeView({ data, selected }: NodeProps<FlowNodeType>) {
  const updateInternals = useUpdateNodeInternals();
  const handlesKey = data.handles.map((h) => h.handle ?? "").join("|");
  // React Flow measures a card when it mounts (all of them in one batch); only a later change of handles needs a new
  // look. Asking on mount too meant one store update and one editor render per card: seconds on a 300-node workflow.
  const mounted = useRef(false);
  useEffect(() => {
    if (!mounted.current) {
      mounted.current = true;
      return;
    }
    updateInternals(data.nodeId);
  }, [handlesKey, data.acceptsInput, data.nodeId, updateInternals]);

  const color = CATEGORY_COLORS[data.category] ?? "gray";
  const icon = getNodeType(data.type)?.icon;
  const hasProblems = data.problems.length > 0;
  const onlyWarnings = hasProblems && data.problems.every((p) => p.warning);
  const runColor = data.run?.status === "ok" ? "green" : data.run?.status === "error" ? "red" : "yellow";
  const diffColor = data.diff ? DIFF_COLORS[data.diff] : undefined;
  const border = diffColor
    ? `var(--mantine-color-${diffColor}-6)`
    : hasProblems
    ? `var(--mantine-color-${onlyWarnings ? "yellow" : "red"}-6)`
    : selected
      ? "var(--mantine-color-indigo-6)"
      : data.run?.status === "error"
        ? "var(--mantine-color-red-4)"
        : "var(--mantine-color-gray-4)";

  return (
    <Box
      data-testid={`node-${data.nodeId}`}
      data-diff={data.diff}
      style={{
        opacity: data.diff === "removed" ? 0.75 : undefined,
        width: NODE_WIDTH,
        background: "white",
        border: `${selected || hasProblems || diffColor ? 2 : 1}px ${data.diff === "removed" ? "dashed" : "solid"} ${border}`,
        borderRadius: 8,
        // No shadow on resting cards: with hundreds of nodes, shadows dominate the cost of every frame while panning.
        boxShadow: selected ? "0 0 0 3px var(--mantine-color-indigo-1)" : undefined,
        fontSize: 12,
      }}
    >
      {data.acceptsInput && <Handle type="target" position={Position.Left} id="in" aria-label={`Input of ${data.nodeId}`} style={{ width: 10, height: 10 }} />}
      <Group gap={6} px={8} py={6} wrap="nowrap" style={{ borderBottom: "1px solid var(--mantine-color-gray-2)", background: `var(--mantine-color-${color}-0)`, borderRadius: "8px 8px 0 0" }}>
        <Box
          aria-hidden
          style={{
            minWidth: 22,
            height: 22,
            borderRadius: 4,
            display: "grid",
            placeItems: "center",
            background: `var(--mantine-color-${color}-6)`,
            color: "white",
            fontSize: 11,
            fontWeight: 700,
          }}
        >
          {icon ? <NodeIcon path={icon} /> : "?"}
        </Box>
        <Box style={{ minWidth: 0, flex: 1 }}>
          <Text size="xs" fw={700} truncate>
            {data.label || data.typeLabel}
          </Text>
          <Text size="10px" c="dimmed" truncate>
            {data.typeLabel} · {data.nodeId}
            {data.parent ? ` · in ${data.parent}` : ""}
          </Text>
        </Box>
        {data.diff && (
          <Badge size="xs" color={diffColor} variant="filled" data-testid={`diff-${data.nodeId}`}>
            {data.diff}
          </Badge>
        )}
        {data.run && (
          <Tooltip label={data.run.error ?? `${data.run.status}${data.run.count > 1 ? ` (${data.run.count} times)` : ""}`} withinPortal>
            <Badge size="xs" color={runColor} variant="filled" data-testid={`run-status-${data.nodeId}`}>
              {data.run.status}
              {data.run.durationMs !== undefined ? ` · ${formatMs(data.run.durationMs)}` : ""}
            </Badge>
          </Tooltip>
        )}
      </Group>
      <Box px={8} py={6}>
        {data.keyParams.map((p) =>
          !data.readOnly && data.fields && p.label === data.fields.label ? (
            <Box key={p.label} role="group" aria-label={`Fields of ${data.nodeId}`} style={{ display: "flex", flexWrap: "wrap", gap: 3, alignItems: "center" }}>
              <Text span c="dimmed" size="11px">
                {p.label}:
              </Text>
              {data.fields.items.slice(0, MAX_CHIPS).map((f) => (
                <FieldChip key={f.path} path={f.path} label={f.name} />
              ))}
              {data.fields.items.length > MAX_CHIPS && (
                <Text span c="dimmed" size="10px">
                  +{data.fields.items.length - MAX_CHIPS}
                </Text>
              )}
            </Box>
          ) : (
            <Text key={p.label} size="11px" truncate>
              <Text span c="dimmed" size="11px">
                {p.label}:{" "}
              </Text>
              <Text span ff="monospace" size="11px">
                {p.value}
              </Text>
            </Text>
          ),
        )}
        {data.problems.slice(0, 2).map((problem, i) => (
          <Text key={i} size="11px" c={problem.warning ? "yellow.9" : "red.7"} lineClamp={2} role="note" aria-label={`${problem.warning ? "Warning" : "Problem"} on ${data.nodeId}`}>
            ⚠ {problem.warning ? "Check: " : ""}
            <ProblemText message={problem.message} short />
          </Text>
        ))}
        {data.problems.length > 2 && (
          <Text size="11px" c={onlyWarnings ? "yellow.9" : "red.7"}>
            +{data.problems.length - 2} more
          </Text>
        )}
        {data.run && (data.run.status === "error" ? (
          <Text size="11px" c="red.7" lineClamp={3} data-testid={`run-error-${data.nodeId}`}>
            {data.run.error}
          </Text>
        ) : (
          data.run.output !== undefined && (
            <Box mt={4} p={4} style={{ background: "var(--mantine-color-gray-0)", borderRadius: 4 }}>
              <Text size="10px" c="dimmed">
                output{data.run.handle ? ` → ${data.run.handle}` : ""}
              </Text>
              <Text size="11px" ff="monospace" lineClamp={3} data-testid={`run-output-${data.nodeId}`} style={{ wordBreak: "break-all" }}>
                {preview(data.run.output, 160)}
              </Text>
            </Box>
          )
        ))}
      </Box>
      {data.handles.map((h, i) => {
        const top = data.handles.length === 1 ? 50 : 45 + (i * 45) / Math.max(1, data.handles.length - 1);
        return (
          <Box key={handleId(h.handle)}>
            <Handle
              type="source"
              position={Position.Right}
              id={handleId(h.handle)}
              aria-label={`Output ${h.label} of ${data.nodeId}`}
              style={{
                top: `${top}%`,
                width: 10,
                height: 10,
                background: h.handle === "error" ? "var(--mantine-color-red-6)" : undefined,
              }}
            />
            {h.handle !== null && (
              <Text
                size="9px"
                c={h.handle === "error" ? "red.7" : "dimmed"}
                style={{ position: "absolute", right: 10, top: `${top}%`, transform: "translateY(-50%)", pointerEvents: "none", background: "white", padding: "0 2px" }}
              >
                {h.label}
              </Text>
            )}
          </Box>
        );
      })}
    </Box>
  );
}

export function formatMs(ms: number): string {
  return ms < 1 ? "<1 ms" : ms < 10 ? `${ms.toFixed(1)} ms` : `${Math.round(ms)} ms`;
}

export const FlowNode = memo(FlowNodeView);
