"use client";
// The operation step's three descriptor fields (kinds "connection", "operation", "operationArgs"): a connection of
// the workspace, one of its operations (the picker, compact), and the operation's generated argument form from
// connections.operation, written into params.args.{path,query,header,cookie,body}. Argument names may contain dots,
// so values are placed by parseArgKey, never by a dotted path.
import { Alert, Badge, Button, Group, NativeSelect, Stack, Text } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useParams } from "next/navigation";
import { useState, type ReactNode } from "react";
import type { FormField } from "../../../runtime/nodes/types";
import { describeError } from "../../lib/errors";
import { useTRPC } from "../../lib/trpc";
import { MethodBadge } from "./MethodBadge";
import classes from "./OperationStepField.module.css";
import { OperationPicker } from "./OperationPicker";
import { argValue, formForValues, shownValue, storedValue, withArg, type Args } from "./operationArgs";

type RenderField = (field: FormField, value: unknown, onChange: (value: unknown) => void) => ReactNode;

export function OperationStepField(props: {
  field: FormField;
  value: unknown;
  params: Record<string, unknown>;
  onChange: (value: unknown) => void;
  readOnly: boolean;
  error?: string;
  renderField: RenderField;
}) {
  const workspace = useParams<{ slug: string }>().slug;
  const connection = typeof props.params.connection === "string" ? props.params.connection : "";
  const operationId = typeof props.params.operationId === "string" ? props.params.operationId : "";
  if (!workspace) return null;
  if (props.field.kind === "connection") return <ConnectionSelect workspace={workspace} {...props} value={connection} />;
  if (!connection) return props.field.kind === "operation" ? <Text size="xs" c="dimmed">Choose a connection first.</Text> : null;
  if (props.field.kind === "operation") return <OperationChoice workspace={workspace} connection={connection} {...props} value={operationId} />;
  if (!operationId) return null;
  return <ArgsFields workspace={workspace} connection={connection} operationId={operationId} {...props} />;
}

function ConnectionSelect(props: { workspace: string; field: FormField; value: string; onChange: (v: unknown) => void; readOnly: boolean; error?: string }) {
  const trpc = useTRPC();
  const list = useQuery(trpc.connections.list.queryOptions({ workspace: props.workspace }));
  const names = list.data?.map((c) => c.name) ?? [];
  return (
    <NativeSelect
      size="xs"
      className={classes.belowSticky}
      label={props.field.label}
      description={props.field.help}
      withAsterisk={props.field.required}
      data={[{ value: "", label: names.length ? "— choose —" : "— no connections in this workspace —" }, ...names.map((n) => ({ value: n, label: n })), ...(props.value && list.data && !names.includes(props.value) ? [{ value: props.value, label: `${props.value} (missing)` }] : [])]}
      value={props.value}
      onChange={(e) => props.onChange(e.currentTarget.value === "" ? undefined : e.currentTarget.value)}
      disabled={props.readOnly}
      error={props.error}
    />
  );
}

function OperationChoice(props: { workspace: string; connection: string; field: FormField; value: string; onChange: (v: unknown) => void; readOnly: boolean; error?: string }) {
  const [picking, setPicking] = useState(!props.value);
  const trpc = useTRPC();
  const details = useQuery({ ...trpc.connections.operation.queryOptions({ workspace: props.workspace, name: props.connection, operationId: props.value }), enabled: !!props.value });
  const op = details.data?.operation;
  return (
    <Stack gap={4} className={classes.belowSticky}>
      <Group justify="space-between">
        <Text size="xs" fw={500}>
          {props.field.label}
          {props.field.required && <Text span c="red"> *</Text>}
        </Text>
        {props.value && !props.readOnly && (
          <Button size="compact-xs" variant="subtle" onClick={() => setPicking(!picking)}>
            {picking ? "Close list" : "Change"}
          </Button>
        )}
      </Group>
      {props.value && (
        <Group gap="xs" wrap="nowrap" role="group" aria-label="Chosen operation">
          {op && <MethodBadge method={op.method} />}
          <Stack gap={0} style={{ minWidth: 0 }}>
            <Text size="sm" truncate>
              {op?.summary || props.value}
            </Text>
            {op && (
              <Text size="xs" c="dimmed" ff="monospace" truncate>
                {op.path}
              </Text>
            )}
          </Stack>
          {op?.deprecated && <Badge color="orange" size="xs">deprecated</Badge>}
        </Group>
      )}
      {details.error && <Text size="xs" c="red">{describeError(details.error).message}</Text>}
      {props.error && <Text size="xs" c="red">{props.error}</Text>}
      {picking && !props.readOnly && (
        <OperationPicker workspace={props.workspace} name={props.connection} compact selection={{ mode: "one", selected: props.value || null, onPick: (o) => (props.onChange(o.operationId), setPicking(false)) }} />
      )}
    </Stack>
  );
}

function ArgsFields(props: { workspace: string; connection: string; operationId: string; field: FormField; value: unknown; onChange: (v: unknown) => void; error?: string; renderField: RenderField }) {
  const trpc = useTRPC();
  const details = useQuery(trpc.connections.operation.queryOptions({ workspace: props.workspace, name: props.connection, operationId: props.operationId }));
  const args = (props.value && typeof props.value === "object" ? props.value : {}) as Args;
  if (details.isPending) return <Text size="xs" c="dimmed">Loading the operation…</Text>;
  if (details.error) return null; // the operation field says why
  const fields = formForValues(details.data.form, args);
  return (
    <Stack gap="xs" role="group" aria-label="Operation arguments">
      <Text size="xs" fw={500}>
        {props.field.label}
      </Text>
      {fields.length === 0 && <Text size="xs" c="dimmed">This operation takes no arguments.</Text>}
      {fields.map((f) => (
        <div key={f.key} className={classes.belowSticky}>{props.renderField(f, f.kind === "select" ? shownValue(f, argValue(args, f.key)) : argValue(args, f.key), (v) => props.onChange(withArg(args, f.key, f.kind === "select" ? storedValue(f, v) : v)))}</div>
      ))}
      {props.error && <Alert color="red" p="xs">{props.error}</Alert>}
    </Stack>
  );
}
