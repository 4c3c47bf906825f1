"use client";
// An MCP client in the browser: the SDK's Client over Streamable HTTP against this workspace's endpoint, with a key
// the person pastes (or creates here). It lists the live tools, calls one through a form generated from its input
// schema and shows the raw result, exactly as an AI client would get it. The key stays in this page's memory.
import { Alert, Anchor, Badge, Button, Code, Group, Paper, PasswordInput, ScrollArea, Select, Stack, Text, Title } from "@mantine/core";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ToolListChangedNotificationSchema, type Tool } from "@modelcontextprotocol/sdk/types.js";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { EmptyState } from "../EmptyState";
import { ArgsForm } from "../editor/ArgsForm";
import { schemaFields } from "../editor/graph";
import { describeError } from "../../lib/errors";
import { NewKeyModal, useCreateKey, type CreatedKey } from "../settings/ApiKeysPanel";

type State = { phase: "idle" } | { phase: "connecting" } | { phase: "connected"; server: string } | { phase: "failed"; message: string };

async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}

/** What a failed request means for the person: the SDK's transport errors carry the HTTP status as `code`. */
function explain(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const status = (error as { code?: unknown } | null)?.code;
  if (status === 401) return "The endpoint refused the key (401): it is wrong, revoked, or belongs to another workspace.";
  if (status === 403) return `The endpoint refused this page (403): ${message}`;
  if (status === 429) return "Too many requests for this key (429): wait a minute and try again.";
  return message;
}

export function Playground({ workspace, endpoint, isOwner }: { workspace: string; endpoint: string; isOwner: boolean }) {
  const [key, setKey] = useState("");
  const [state, setState] = useState<State>({ phase: "idle" });
  const [tools, setTools] = useState<Tool[]>([]);
  const [toolName, setToolName] = useState<string | null>(null);
  const [calling, setCalling] = useState(false);
  const [result, setResult] = useState<{ tool: string; value: unknown; isError: boolean } | null>(null);
  const [callError, setCallError] = useState<string | null>(null);
  const [changes, setChanges] = useState(0);
  const [created, setCreated] = useState<CreatedKey | null>(null);
  const clientRef = useRef<Client | null>(null);
  // Each Connect gets a number; a slower earlier attempt that finishes later closes its client instead of winning.
  const attempt = useRef(0);
  const createKey = useCreateKey(workspace, (c) => {
    setCreated(c);
    setKey(c.key);
  });

  useEffect(() => () => void clientRef.current?.close().catch(() => undefined), []);

  async function connect() {
    const mine = ++attempt.current;
    await clientRef.current?.close().catch(() => undefined);
    clientRef.current = null;
    setState({ phase: "connecting" });
    setTools([]);
    setResult(null);
    setCallError(null);
    const client = new Client({ name: "Toolflow playground", version: "1.0.0" });
    const transport = new StreamableHTTPClientTransport(new URL(endpoint), { requestInit: { headers: { Authorization: `Bearer ${key.trim()}` } } });
    try {
      await client.connect(transport);
      client.setNotificationHandler(ToolListChangedNotificationSchema, async () => {
        if (clientRef.current !== client) return;
        setChanges((n) => n + 1);
        try {
          setTools(await listAllTools(client));
        } catch (error) {
          setCallError(`The tool list changed but could not be read again: ${explain(error)}`);
        }
      });
      const list = await listAllTools(client);
      if (mine !== attempt.current) {
        await client.close().catch(() => undefined);
        return;
      }
      clientRef.current = client;
      setTools(list);
      setToolName((current) => (current && list.some((t) => t.name === current) ? current : (list[0]?.name ?? null)));
      setState({ phase: "connected", server: `${client.getServerVersion()?.name ?? "server"} ${client.getServerVersion()?.version ?? ""}`.trim() });
    } catch (error) {
      await client.close().catch(() => undefined);
      if (mine === attempt.current) setState({ phase: "failed", message: explain(error) });
    }
  }

  async function disconnect() {
    attempt.current++;
    await clientRef.current?.close().catch(() => undefined);
    clientRef.current = null;
    setState({ phase: "idle" });
    setTools([]);
  }

  async function call(args: Record<string, unknown>) {
    const client = clientRef.current;
    if (!client || !toolName) return;
    setCalling(true);
    setCallError(null);
    try {
      const value = await client.callTool({ name: toolName, arguments: args });
      setResult({ tool: toolName, value, isError: value.isError === true });
    } catch (error) {
      setResult(null);
      setCallError(explain(error));
    } finally {
      setCalling(false);
    }
  }

  const tool = tools.find((t) => t.name === toolName);
  return (
    <Paper withBorder p="md">
      <Stack>
        <div>
          <Title order={2} size="h4">
            Playground
          </Title>
          <Text size="sm" c="dimmed">
            An MCP client running in this page: it connects to the endpoint above with a key, lists the live tools and calls one, as an AI assistant would.
          </Text>
        </div>
        <Group align="flex-end" gap="xs">
          <PasswordInput
            label="API key"
            placeholder="tf_…"
            value={key}
            onChange={(e) => setKey(e.currentTarget.value)}
            w={420}
            autoComplete="off"
            aria-label="Playground API key"
          />
          <Button onClick={() => void connect()} loading={state.phase === "connecting"} disabled={!key.trim()}>
            {state.phase === "connected" ? "Reconnect" : "Connect"}
          </Button>
          {state.phase === "connected" && (
            <Button variant="default" onClick={() => void disconnect()}>
              Disconnect
            </Button>
          )}
          {isOwner && (
            <Button variant="subtle" loading={createKey.isPending} onClick={() => createKey.mutate({ workspace, name: `Playground ${new Date().toLocaleString()}` }, { onError: (e) => setState({ phase: "failed", message: describeError(e).message }) })}>
              Create a key for the playground
            </Button>
          )}
        </Group>
        {state.phase === "failed" && (
          <Alert color="red" title="Not connected" role="alert">
            {state.message}
          </Alert>
        )}
        {state.phase === "connected" && (
          <Stack gap="sm">
            <Group gap="xs" role="status" aria-label="Playground connection">
              <Badge color="green">connected</Badge>
              <Text size="sm">
                {state.server} · {tools.length} tool{tools.length === 1 ? "" : "s"}
              </Text>
              {changes > 0 && (
                <Badge color="blue" variant="light">
                  tool list changed ×{changes}
                </Badge>
              )}
            </Group>
            {tools.length === 0 ? (
              <EmptyState
                title="No live tools yet"
                action={
                  <Anchor component={Link} href={`/w/${workspace}/workflows`} size="sm">
                    Go to workflows
                  </Anchor>
                }
              >
                The endpoint serves the live version of each published workflow. Publish one from its editor, and it appears here (the list updates by itself).
              </EmptyState>
            ) : (
              <Group align="flex-start" grow wrap="wrap">
                <Stack gap="xs" miw={320}>
                  <Select label="Tool" data={tools.map((t) => ({ value: t.name, label: t.title ? `${t.name} — ${t.title}` : t.name }))} value={toolName} onChange={(v) => (setToolName(v), setResult(null))} allowDeselect={false} aria-label="Playground tool" />
                  {tool && (
                    <>
                      {tool.description && (
                        <Text size="xs" c="dimmed">
                          {tool.description}
                        </Text>
                      )}
                      <ArgsForm key={tool.name} fields={schemaFields(tool.inputSchema)} label="Playground arguments" submitLabel={`Call ${tool.name}`} running={calling} onSubmit={(args) => void call(args)} />
                    </>
                  )}
                </Stack>
                <Stack gap="xs" miw={320}>
                  <Text size="sm" fw={600}>
                    Raw result{result ? ` of ${result.tool}` : ""}
                    {result?.isError && (
                      <Badge ml="xs" color="red" size="sm">
                        isError
                      </Badge>
                    )}
                  </Text>
                  {callError && <Alert color="red">{callError}</Alert>}
                  <ScrollArea.Autosize mah={380} type="auto">
                    <Code block aria-label="Playground result" fz="xs" style={{ whiteSpace: "pre-wrap", wordBreak: "break-word" }}>
                      {result ? JSON.stringify(result.value, null, 2) : "Call a tool to see its result here."}
                    </Code>
                  </ScrollArea.Autosize>
                </Stack>
              </Group>
            )}
          </Stack>
        )}
      </Stack>
      <NewKeyModal created={created} onClose={() => setCreated(null)} />
    </Paper>
  );
}
