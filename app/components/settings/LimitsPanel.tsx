"use client";
// A workspace's runtime limits, the private hosts its workflows may reach, the MCP rate limit, run retention and who
// may connect hosted apps (OAuth).
// Empty limit fields mean the default (shown as the placeholder). Owners change them; others see them.
import { Alert, Button, Checkbox, Code, Collapse, Group, NumberInput, Paper, Select, SimpleGrid, Stack, TagsInput, Text, Title, UnstyledButton } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent, type ReactNode } from "react";
import type { Role } from "../../../server/auth/roles";
import { describeError } from "../../lib/errors";
import type { RouterOutputs } from "../../lib/router-types";
import { useTRPC } from "../../lib/trpc";

// Stored in ms and bytes; shown in seconds and KB, the units people think in. `scale` converts one to the other.
const LIMIT_FIELDS = [
  { key: "timeoutMs", label: "Time per call", unit: "seconds", scale: 1000, help: "How long one tool call may take before it is stopped.", advanced: false },
  { key: "maxOutputBytes", label: "Result size", unit: "KB", scale: 1024, help: "The largest answer a tool may give the AI.", advanced: false },
  { key: "maxWaitMs", label: "Longest pause", unit: "seconds", scale: 1000, help: "The most a Wait step may pause for.", advanced: false },
  { key: "maxHttpRequests", label: "Web requests per call", unit: "", scale: 1, help: "How many HTTP steps (counting retries and loop rounds) one call may make.", advanced: true },
  { key: "maxLoopIterations", label: "Loop rounds per call", unit: "", scale: 1, help: "How many items the loops of one call may go through in all.", advanced: true },
  { key: "memoryMb", label: "Memory per call", unit: "MB", scale: 1, help: "Working memory of the sandbox a call runs in.", advanced: true },
  { key: "maxCallDepth", label: "Workflows calling workflows", unit: "levels", scale: 1, help: "How deep Call workflow steps may nest.", advanced: true },
  { key: "concurrentCalls", label: "Calls at once", unit: "", scale: 1, help: "How many calls of this workspace may run at the same time; more wait their turn.", advanced: true },
] as const;
/** Paths of the fields that show their own error; any other error shows above the Save button. */
const FIELD_PATHS = ["allowHosts", "rateLimitPerMinute", "runRetentionDays", "runRetentionCount", "oauthConnectRole", ...LIMIT_FIELDS.map((f) => `limits.${f.key}`)];

const CONNECT_ROLE_OPTIONS: Array<{ value: Role; label: string }> = [
  { value: "owner", label: "Owners only" },
  { value: "editor", label: "Owners and editors" },
  { value: "viewer", label: "Every member, viewers included" },
];
const isRole = (value: string | null): value is Role => CONNECT_ROLE_OPTIONS.some((o) => o.value === value);

type Settings = RouterOutputs["settings"]["get"];
/** The settings this form changes, as the router returns them. */
type FormState = Pick<Settings, "limits" | "allowHosts" | "rateLimitPerMinute" | "runRetentionDays" | "runRetentionCount" | "viewersSeeRunData" | "oauthConnectRole">;

export function LimitsPanel({ workspace, isOwner }: { workspace: string; isOwner: boolean }) {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.get.queryOptions({ workspace }));
  if (settings.error) return <Alert color="red">{describeError(settings.error).message}</Alert>;
  if (!settings.data) return <Text c="dimmed">Loading…</Text>;
  const { defaultLimits, ceilings, privateHosts, ...stored } = settings.data;
  // Keyed by the stored values: a save that comes back resets the form to what the server kept.
  return (
    <LimitsForm key={JSON.stringify(stored)} workspace={workspace} isOwner={isOwner} initial={stored} defaults={defaultLimits} ceilings={ceilings} privateHosts={privateHosts} />
  );
}

function LimitsForm(props: {
  workspace: string;
  isOwner: boolean;
  initial: Omit<Settings, "defaultLimits" | "ceilings" | "privateHosts">;
  defaults: Settings["defaultLimits"];
  /** The operator's ceilings (TOOLFLOW_MAX_LIMITS) and the private hosts workspaces may allow (TOOLFLOW_PRIVATE_HOSTS). */
  ceilings: Settings["ceilings"];
  privateHosts: Settings["privateHosts"];
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<FormState>(() => {
    const { limits, allowHosts, rateLimitPerMinute, runRetentionDays, runRetentionCount, viewersSeeRunData, oauthConnectRole } = props.initial;
    return { limits, allowHosts, rateLimitPerMinute, runRetentionDays, runRetentionCount, viewersSeeRunData, oauthConnectRole };
  });
  const [error, setError] = useState<{ field: string | null; message: string } | null>(null);
  const save = useMutation(
    trpc.settings.update.mutationOptions({
      onSuccess: () => {
        setError(null);
        notifications.show({ color: "green", message: "Settings saved. New calls use them at once." });
        void queryClient.invalidateQueries({ queryKey: trpc.settings.get.queryKey({ workspace: props.workspace }) });
      },
      onError: (e) => setError(describeError(e)),
    }),
  );
  const readOnly = !props.isOwner;
  const errorPath = error?.field?.replace(/^settings\./, "") ?? null;
  const fieldError = (path: string) => (errorPath && (errorPath === path || errorPath.startsWith(`${path}.`)) ? error!.message : undefined);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    const limits = Object.fromEntries(Object.entries(form.limits).filter(([, v]) => typeof v === "number"));
    save.mutate({ workspace: props.workspace, settings: { ...form, limits } });
  }

  const shown = (f: (typeof LIMIT_FIELDS)[number], value: number) => value / f.scale;
  const limitInput = (f: (typeof LIMIT_FIELDS)[number]) => (
    <NumberInput
      key={f.key}
      label={`${f.label}${f.unit ? ` (${f.unit})` : ""}`}
      placeholder={`Default: ${shown(f, props.defaults[f.key]).toLocaleString()}`}
      description={`${f.help} Up to ${shown(f, props.ceilings[f.key]).toLocaleString()} on this server.`}
      value={form.limits[f.key] === undefined ? "" : shown(f, form.limits[f.key]!)}
      onChange={(v) => setForm({ ...form, limits: { ...form.limits, [f.key]: typeof v === "number" ? Math.round(v * f.scale) : undefined } })}
      allowDecimal={f.scale > 1}
      decimalScale={f.scale === 1000 ? 3 : 0}
      min={0}
      thousandSeparator=","
      readOnly={readOnly}
      error={fieldError(`limits.${f.key}`)}
    />
  );

  return (
    <form onSubmit={onSubmit} noValidate aria-label="Workspace limits">
      <Stack>
        {readOnly && <Alert color="gray">Only owners change these settings.</Alert>}
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb={4}>
            Sandbox limits per call
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            A call that reaches one of these stops with a message saying which. Leave a box empty to keep the default.
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>{LIMIT_FIELDS.filter((f) => !f.advanced).map(limitInput)}</SimpleGrid>
          <Advanced label="Advanced limits">
            <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }}>{LIMIT_FIELDS.filter((f) => f.advanced).map(limitInput)}</SimpleGrid>
            <Text size="xs" c="dimmed" mt="sm">
              The server&apos;s operator sets the most each may be, with <Code>TOOLFLOW_MAX_LIMITS</Code>.
            </Text>
          </Advanced>
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb={4}>
            Private hosts
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            Workflows cannot reach systems inside your company network unless you list them here, so nobody can use a tool to look around it. Add the internal
            systems they need, by name or address (e.g. crm.internal or 10.0.4.12).
          </Text>
          <TagsInput
            label="Allowed private hosts"
            placeholder={readOnly ? "" : "Type a host and press Enter"}
            value={form.allowHosts}
            onChange={(v) => setForm({ ...form, allowHosts: v })}
            readOnly={readOnly}
            error={fieldError("allowHosts")}
            clearable={!readOnly}
          />
          <Text size="xs" mt="xs">
            {props.privateHosts.length > 0
              ? `This server lets workspaces allow only these private hosts and ranges, or parts of them: ${props.privateHosts.join(", ")}.`
              : "This server lets workspaces reach no internal systems; its operator can permit some."}
          </Text>
          {props.initial.sqliteDirs.length > 0 && (
            <Text size="xs" mt="xs">
              SQLite files may be opened under: {props.initial.sqliteDirs.join(", ")} (set by the server&apos;s operator).
            </Text>
          )}
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb="sm">
            MCP and run history
          </Title>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <NumberInput
              label="Requests per minute per key"
              description={`At most ${props.ceilings.rateLimitPerMinute.toLocaleString()} on this server`}
              value={form.rateLimitPerMinute}
              onChange={(v) => setForm({ ...form, rateLimitPerMinute: Number(v) || 0 })}
              allowDecimal={false}
              min={1}
              readOnly={readOnly}
              error={fieldError("rateLimitPerMinute")}
            />
            <NumberInput
              label="Keep runs for (days)"
              value={form.runRetentionDays}
              onChange={(v) => setForm({ ...form, runRetentionDays: Number(v) || 0 })}
              allowDecimal={false}
              min={1}
              readOnly={readOnly}
              error={fieldError("runRetentionDays")}
            />
            <NumberInput
              label="Keep at most (runs)"
              value={form.runRetentionCount}
              onChange={(v) => setForm({ ...form, runRetentionCount: Number(v) || 0 })}
              allowDecimal={false}
              min={10}
              thousandSeparator=","
              readOnly={readOnly}
              error={fieldError("runRetentionCount")}
            />
          </SimpleGrid>
          <Checkbox
            mt="md"
            label="Viewers see the data of runs"
            description="Arguments, results, node data and log text. Off: viewers see that runs happened, how long they took and how they ended, but not what they carried."
            checked={form.viewersSeeRunData}
            onChange={(e) => setForm({ ...form, viewersSeeRunData: e.currentTarget.checked })}
            disabled={readOnly}
          />
        </Paper>
        <Paper withBorder p="md">
          <Title order={3} size="h5" mb={4}>
            Connected apps
          </Title>
          <Text size="xs" c="dimmed" mb="sm">
            Hosted apps such as ChatGPT and Claude.ai sign in with OAuth and call the tools as the person who connected them. This is checked on every call: apps connected
            by someone below the chosen role stop working until their role or this setting allows them again.
          </Text>
          <Select
            label="Who may connect apps (ChatGPT, Claude.ai…)"
            data={CONNECT_ROLE_OPTIONS}
            value={form.oauthConnectRole}
            onChange={(v) => isRole(v) && setForm({ ...form, oauthConnectRole: v })}
            allowDeselect={false}
            readOnly={readOnly}
            error={fieldError("oauthConnectRole")}
            maw={360}
          />
        </Paper>
        {error && !(errorPath && FIELD_PATHS.some((p) => errorPath === p || errorPath.startsWith(`${p}.`))) && <Alert color="red">{error.message}</Alert>}
        {!readOnly && (
          <Group>
            <Button type="submit" loading={save.isPending}>
              Save settings
            </Button>
          </Group>
        )}
      </Stack>
    </form>
  );
}

/** Settings most people never need, folded away until asked for. */
function Advanced({ label, children }: { label: string; children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <UnstyledButton mt="sm" onClick={() => setOpen((o) => !o)} aria-expanded={open} fz="sm" c="indigo.7" fw={500}>
        {open ? "▾" : "▸"} {label}
      </UnstyledButton>
      <Collapse expanded={open}>
        <div style={{ paddingTop: 8 }}>{children}</div>
      </Collapse>
    </>
  );
}
