"use client";
// The side panel for one node: id, label, on-error policy, loop membership, the generated form, its connections
// (an accessible alternative to dragging handles) and the last test run's output.
import { Alert, Badge, Box, Button, Code, Divider, Group, NativeSelect, Stack, Text, TextInput } from "@mantine/core";
import { useState } from "react";
import { NODE_ID_PATTERN } from "../../../runtime/model";
import { getNodeType } from "../../../runtime/nodes/registry";
import type { PickOption } from "./CodeField";
import type { RunInfo } from "./FlowNode";
import { acceptsInput, nodeHandles, type DocEdge, type DocNode, type WorkflowDoc } from "./graph";
import { NodeForm } from "./NodeForm";
import { ProblemText } from "./ProblemText";

export function NodePanel(props: {
  doc: WorkflowDoc;
  node: DocNode;
  readOnly: boolean;
  secrets: string[];
  pick: PickOption[];
  problems: Array<{ path?: string; message: string; severity?: "error" | "warning" }>;
  run?: RunInfo & { params?: unknown };
  onChange: (node: DocNode, coalesceKey?: string) => void;
  onRename: (from: string, to: string) => string | null;
  onConnect: (edge: DocEdge) => void;
  onDisconnect: (edge: DocEdge) => void;
  onDelete: () => void;
}) {
  const { node, doc, readOnly } = props;
  const descriptor = getNodeType(node.type);
  const handles = nodeHandles(node);
  const loops = doc.nodes.filter((n) => n.id !== node.id && getNodeType(n.type)?.containsSteps);
  const targets = doc.nodes.filter((n) => n.id !== node.id && acceptsInput(n));
  const outgoing = doc.edges.filter((e) => e.from === node.id);
  const incoming = doc.edges.filter((e) => e.to === node.id);

  return (
    <Stack gap="sm" aria-label={`Node ${node.id}`} role="region">
      <Box>
        <Group gap={6}>
          <Badge variant="light">{descriptor?.label ?? node.type}</Badge>
          <Text size="xs" c="dimmed">
            {node.type}
          </Text>
        </Group>
        {descriptor && (
          <Text size="xs" c="dimmed" mt={4}>
            {descriptor.description}
          </Text>
        )}
      </Box>
      {props.problems.length > 0 && (
        <Alert
          color={props.problems.every((p) => p.severity === "warning") ? "yellow" : "red"}
          p="xs"
          title={
            props.problems.every((p) => p.severity === "warning")
              ? `${props.problems.length} thing${props.problems.length === 1 ? "" : "s"} to check`
              : `${props.problems.length} problem${props.problems.length === 1 ? "" : "s"}`
          }
        >
          <Stack gap={2}>
            {props.problems.map((p, i) => (
              <Text key={i} size="xs">
                {p.severity === "warning" && <b>Check: </b>}
                <ProblemText message={p.message} />
              </Text>
            ))}
          </Stack>
        </Alert>
      )}
      <NodeIdInput key={node.id} id={node.id} readOnly={readOnly} onRename={(to) => props.onRename(node.id, to)} />
      <TextInput
        size="xs"
        label="Label"
        placeholder={descriptor?.label}
        value={node.label ?? ""}
        readOnly={readOnly}
        onChange={(e) => {
          const next: DocNode = { ...node, label: e.currentTarget.value };
          if (!next.label) delete next.label;
          props.onChange(next, `label:${node.id}`);
        }}
      />
      {descriptor?.onErrorApplies && (
        <NativeSelect
          size="xs"
          label="On error"
          value={node.onError ?? "fail"}
          disabled={readOnly}
          data={[
            { value: "fail", label: "Fail the run" },
            { value: "continue", label: "Continue (output becomes {error})" },
            { value: "route", label: "Route to the error handle" },
          ]}
          onChange={(e) => {
            const next: DocNode = { ...node, onError: e.currentTarget.value as DocNode["onError"] };
            if (next.onError === "fail") delete next.onError;
            props.onChange(next);
          }}
        />
      )}
      {loops.length > 0 && descriptor?.allowedInLoop && (
        <NativeSelect
          size="xs"
          label="Inside loop"
          value={node.parent ?? ""}
          disabled={readOnly}
          data={[{ value: "", label: "— not in a loop —" }, ...loops.map((l) => ({ value: l.id, label: l.label ? `${l.label} (${l.id})` : l.id }))]}
          onChange={(e) => {
            const next: DocNode = { ...node, parent: e.currentTarget.value };
            if (!next.parent) delete next.parent;
            props.onChange(next);
          }}
        />
      )}
      <Divider label="Parameters" labelPosition="left" />
      {descriptor ? (
        <NodeForm
          form={descriptor.form}
          params={node.params ?? {}}
          onChange={(params) => props.onChange({ ...node, params }, `params:${node.id}`)}
          ctx={{ readOnly, secrets: props.secrets, pick: props.pick, runParams: props.run?.params, problems: props.problems }}
        />
      ) : (
        <Text size="xs" c="red">
          Unknown node type “{node.type}”.
        </Text>
      )}
      <Divider label="Connections" labelPosition="left" />
      {incoming.length > 0 && (
        <Text size="xs" c="dimmed">
          From: {incoming.map((e) => `${e.from}${e.handle ? ` [${e.handle}]` : ""}`).join(", ")}
        </Text>
      )}
      {handles.length === 0 && (
        <Text size="xs" c="dimmed">
          This node ends the run: it has no outgoing connections.
        </Text>
      )}
      {handles.map((h) => {
        const name = h.handle ?? "next";
        const existing = outgoing.filter((e) => (e.handle ?? null) === h.handle);
        const label = h.handle === null ? "Connect to" : `Connect “${h.label}” to`;
        return (
          <Box key={name}>
            {!readOnly && (
              <NativeSelect
                size="xs"
                label={label}
                aria-label={h.handle === null ? "Connect to" : `Connect ${h.handle} to`}
                value=""
                data={[{ value: "", label: "Choose a node…" }, ...targets.filter((t) => !existing.some((e) => e.to === t.id)).map((t) => ({ value: t.id, label: t.label ? `${t.label} (${t.id})` : t.id }))]}
                onChange={(e) => {
                  const to = e.currentTarget.value;
                  if (to) props.onConnect({ from: node.id, to, ...(h.handle ? { handle: h.handle } : {}) });
                }}
              />
            )}
            {existing.map((e) => (
              <Group key={e.to} gap={4} mt={2}>
                <Text size="xs">
                  {h.handle ? `${h.label} → ` : "→ "}
                  <Code>{e.to}</Code>
                </Text>
                {!readOnly && (
                  <Button size="compact-xs" variant="subtle" color="red" aria-label={`Disconnect ${node.id}${e.handle ? ` ${e.handle}` : ""} from ${e.to}`} onClick={() => props.onDisconnect(e)}>
                    Disconnect
                  </Button>
                )}
              </Group>
            ))}
          </Box>
        );
      })}
      {props.run && (
        <>
          <Divider label="Last test run" labelPosition="left" />
          <Text size="xs">
            {props.run.status}
            {props.run.durationMs !== undefined ? ` in ${Math.round(props.run.durationMs)} ms` : ""}
            {props.run.handle ? ` → ${props.run.handle}` : ""}
          </Text>
          {props.run.error ? (
            <Alert color="red" p="xs">
              {props.run.error}
            </Alert>
          ) : (
            <Code block aria-label={`Output of ${node.id}`} style={{ fontSize: 11, maxHeight: 240, overflow: "auto" }}>
              {JSON.stringify(props.run.output, null, 2) ?? "undefined"}
            </Code>
          )}
        </>
      )}
      {descriptor && (
        <Text size="xs" c="dimmed">
          Output (steps.{node.id}): {descriptor.output.description}
        </Text>
      )}
      {!readOnly && (
        <Button color="red" variant="light" size="xs" onClick={props.onDelete}>
          Delete node
        </Button>
      )}
    </Stack>
  );
}

function NodeIdInput(props: { id: string; readOnly: boolean; onRename: (to: string) => string | null }) {
  const [value, setValue] = useState(props.id);
  const [error, setError] = useState<string | null>(null);
  const commit = () => {
    if (value === props.id) return;
    if (!NODE_ID_PATTERN.test(value)) {
      setError("1–64 characters of A-Za-z0-9_- (used as steps.<id>)");
      return;
    }
    const problem = props.onRename(value);
    setError(problem);
  };
  return (
    <TextInput
      size="xs"
      label="Node id"
      description="Used in expressions as steps.<id>."
      value={value}
      readOnly={props.readOnly}
      error={error}
      onChange={(e) => setValue(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === "Enter") commit();
      }}
    />
  );
}
