// Published workflows called as MCP tasks (SEP-1686, protocol 2025-11-25), over a real HTTP endpoint with the Prisma
// backend and the SDK client, in stateful and stateless mode: the CreateTaskResult, polling tasks/get, tasks/result
// (from a new session or request), tasks/list, tasks/cancel stopping a long call, the scope (another key or workspace
// sees nothing), TTL expiry, and durability: a new endpoint over the same database answers for a finished task, and
// fails the task a killed server process left running.
import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CallToolResultSchema, CreateTaskResultSchema, TaskStatusNotificationSchema, type CallToolResult, type Task } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ABANDONED_MESSAGE, TASK_CANCELLED } from "../../runtime/mcp/tasks";
import { createTestDatabase, createUser, TEST_PROVIDERS, type TestDatabase } from "../helpers/database";
import { rpcError, startTestEndpoint, type TestEndpoint } from "../helpers/mcp-endpoint";
import { callerFor } from "../helpers/trpc";

/** Conditions are waited for, however busy the machine. */
const EVENTUALLY = { timeout: 30_000, interval: 50 };
const TASKS = { heartbeatMs: 1000 };

const ECHO = {
  format: "toolflow.workflow/v1",
  name: "echo_back",
  description: "Says the text back.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "text", type: "string", required: true }] } },
    { id: "out", type: "output", position: { x: 200, y: 0 }, params: { mode: "json", value: { echo: "{{ input.text }}" } } },
  ],
  edges: [{ from: "input", to: "out" }],
};

const STEPS = {
  format: "toolflow.workflow/v1",
  name: "report_steps",
  description: "Reports its progress, then answers.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [] } },
    { id: "half", type: "progress", position: { x: 200, y: 0 }, params: { progress: 1, total: 2, message: "half way" } },
    { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "text", value: "done" } },
  ],
  edges: [
    { from: "input", to: "half" },
    { from: "half", to: "out" },
  ],
};

const SLOW = {
  format: "toolflow.workflow/v1",
  name: "slow_wait",
  description: "Waits as long as asked, then says so.",
  nodes: [
    { id: "input", type: "input", position: { x: 0, y: 0 }, params: { fields: [{ name: "ms", type: "number", required: true }] } },
    { id: "pause", type: "wait", position: { x: 200, y: 0 }, params: { ms: "{{ input.ms }}" } },
    { id: "out", type: "output", position: { x: 400, y: 0 }, params: { mode: "json", value: { waited: "{{ steps.pause.waitedMs }}" } } },
  ],
  edges: [
    { from: "input", to: "pause" },
    { from: "pause", to: "out" },
  ],
};

async function callAsTask(client: Client, name: string, args: Record<string, unknown>, ttl?: number): Promise<Task> {
  const created = await client.request({ method: "tools/call", params: { name, arguments: args, task: ttl === undefined ? {} : { ttl } } }, CreateTaskResultSchema);
  return created.task;
}

async function untilStatus(client: Client, taskId: string, done: (task: Task) => boolean): Promise<Task> {
  let last: Task | undefined;
  await expect
    .poll(async () => {
      last = await client.experimental.tasks.getTask(taskId);
      return done(last);
    }, EVENTUALLY)
    .toBe(true);
  return last!;
}

const ended = (task: Task) => ["completed", "failed", "cancelled"].includes(task.status);

describe.each(TEST_PROVIDERS)("MCP tasks on %s", (provider) => {
  let database: TestDatabase;
  let key: string;
  let otherKey: string;
  let foreignKey: string;
  const endpoints: TestEndpoint[] = [];
  const start = async (options: Parameters<typeof startTestEndpoint>[1] = {}) => {
    const started = await startTestEndpoint(database, { tasks: TASKS, ...options });
    endpoints.push(started);
    return started;
  };

  beforeAll(async () => {
    database = await createTestDatabase(provider);
    const user = await createUser(database.db);
    const api = callerFor(database.db, user);
    const workspace = await api.workspace.create({ name: "Tasks", slug: "tasks" });
    for (const doc of [ECHO, SLOW, STEPS]) {
      await api.workflows.import({ workspace: "tasks", doc });
      await api.workflows.publish({ workspace: "tasks", name: doc.name });
    }
    key = (await api.keys.create({ workspace: "tasks", name: "first" })).key;
    otherKey = (await api.keys.create({ workspace: "tasks", name: "second" })).key;
    await api.workspace.create({ name: "Elsewhere", slug: "tasks-other" });
    await api.workflows.import({ workspace: "tasks-other", doc: ECHO });
    await api.workflows.publish({ workspace: "tasks-other", name: ECHO.name });
    foreignKey = (await api.keys.create({ workspace: "tasks-other", name: "theirs" })).key;
    expect(workspace.id).toBeTruthy();
  });
  // Each test's endpoints close when it ends: every one holds database connections (LISTEN, relay, run records),
  // and a file's worth of them open at once can use up a shared PostgreSQL server's connection limit.
  afterEach(async () => {
    for (const e of endpoints.splice(0)) await e.close();
  });
  afterAll(async () => {
    for (const e of endpoints) await e.close();
    await database?.cleanup();
  });

  describe.each(["stateful", "stateless"] as const)("%s", (mode) => {
    it("advertises tasks, offers every tool as optional, and answers a task call with its result", async () => {
      const server = await start({ mode });
      const { client } = await server.connect("tasks", key);
      expect(client.getServerCapabilities()?.tasks).toEqual({ list: {}, cancel: {}, requests: { tools: { call: {} } } });
      const { tools } = await client.listTools();
      expect(tools.map((t) => [t.name, t.execution?.taskSupport])).toEqual([
        ["echo_back", "optional"],
        ["report_steps", "optional"],
        ["slow_wait", "optional"],
      ]);

      const task = await callAsTask(client, "echo_back", { text: "hello" });
      expect(task).toMatchObject({ taskId: expect.any(String), status: "working", ttl: 60 * 60_000, pollInterval: 1000 });
      expect(Date.parse(task.createdAt)).not.toBeNaN();
      const done = await untilStatus(client, task.taskId, ended);
      expect(done.status).toBe("completed");
      const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      const plain = (await client.callTool({ name: "echo_back", arguments: { text: "hello" } })) as CallToolResult;
      expect(result.structuredContent).toEqual({ echo: "hello" });
      expect({ content: result.content, structuredContent: result.structuredContent, isError: result.isError }).toEqual({
        content: plain.content,
        structuredContent: plain.structuredContent,
        isError: plain.isError,
      });
      // Its run record is written as for any call.
      const row = await database.db.mcpTask.findUniqueOrThrow({ where: { id: task.taskId } });
      await expect.poll(async () => (await database.db.run.findUnique({ where: { id: row.runId } }))?.status ?? null, EVENTUALLY).toBe("ok");

      // A new session (stateful) or request (stateless) of the same key reads it too: tasks outlive their session.
      const { client: later } = await server.connect("tasks", key);
      expect((await later.experimental.tasks.getTask(task.taskId)).status).toBe("completed");
      expect((await later.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)).structuredContent).toEqual({ echo: "hello" });
    });

    it("tasks/result waits for a call still running, and a failed argument check creates no task", async () => {
      const server = await start({ mode });
      const { client } = await server.connect("tasks", key);
      const task = await callAsTask(client, "slow_wait", { ms: 300 });
      const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      expect(result.structuredContent).toEqual({ waited: 300 });
      expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("completed");

      const before = await database.db.mcpTask.count();
      expect(await rpcError(callAsTask(client, "slow_wait", { ms: "soon" }))).toMatchObject({ code: -32602, message: expect.stringContaining("ms") });
      expect(await rpcError(callAsTask(client, "no_such_tool", {}))).toMatchObject({ code: -32602 });
      expect(await database.db.mcpTask.count()).toBe(before);
    });

    it("lists the key's tasks, newest first, page by page", async () => {
      const server = await start({ mode, tasks: { ...TASKS, pageSize: 2 } });
      const { client } = await server.connect("tasks", otherKey);
      const made: string[] = [];
      for (const text of ["a", "b", "c"]) made.push((await callAsTask(client, "echo_back", { text })).taskId);
      const seen: Task[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await client.experimental.tasks.listTasks(cursor);
        seen.push(...page.tasks);
        cursor = page.nextCursor;
        pages += 1;
      } while (cursor && pages < 20);
      const ids = seen.map((t) => t.taskId);
      // Newest first; tasks of this key made by earlier tests may follow.
      expect(ids.slice(0, 3)).toEqual([...made].reverse());
      expect(new Set(ids).size).toBe(ids.length);
      expect(pages).toBeGreaterThanOrEqual(2);
      expect(await rpcError(client.experimental.tasks.listTasks("not-a-cursor"))).toMatchObject({ code: -32602 });
    });

    it("cancels a long call: the task says cancelled, the call stops and its run record says cancelled", async () => {
      const server = await start({ mode });
      const { client } = await server.connect("tasks", key);
      const task = await callAsTask(client, "slow_wait", { ms: 9000 });
      const row = await database.db.mcpTask.findUniqueOrThrow({ where: { id: task.taskId } });
      const cancelled = await client.experimental.tasks.cancelTask(task.taskId);
      expect(cancelled).toMatchObject({ taskId: task.taskId, status: "cancelled", statusMessage: TASK_CANCELLED });
      await expect.poll(async () => (await database.db.run.findUnique({ where: { id: row.runId } }))?.status ?? null, EVENTUALLY).toBe("cancelled");
      // The call's end does not overwrite the cancellation; tasks/result says what happened.
      expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("cancelled");
      const result = await client.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      expect(result.isError).toBe(true);
      expect(await rpcError(client.experimental.tasks.cancelTask(task.taskId))).toMatchObject({ code: -32602, message: expect.stringContaining("terminal status") });
      expect(server.endpoint.tasks?.runningCount).toBe(0);
    });

    it("shows a task to no other key and no other workspace", async () => {
      const server = await start({ mode });
      const { client } = await server.connect("tasks", key);
      const task = await callAsTask(client, "slow_wait", { ms: 2000 });
      const { client: sameWorkspace } = await server.connect("tasks", otherKey);
      const { client: foreign } = await server.connect("tasks-other", foreignKey);
      for (const stranger of [sameWorkspace, foreign]) {
        expect(await rpcError(stranger.experimental.tasks.getTask(task.taskId))).toMatchObject({ code: -32602, message: expect.stringContaining("not found") });
        expect(await rpcError(stranger.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema))).toMatchObject({ code: -32602 });
        expect(await rpcError(stranger.experimental.tasks.cancelTask(task.taskId))).toMatchObject({ code: -32602 });
        expect((await stranger.experimental.tasks.listTasks()).tasks.map((t) => t.taskId)).not.toContain(task.taskId);
      }
      // Still running for its own key.
      expect((await untilStatus(client, task.taskId, ended)).status).toBe("completed");
    });

    it("forgets a task once its TTL is over", async () => {
      const server = await start({ mode });
      const { client } = await server.connect("tasks", key);
      const task = await callAsTask(client, "echo_back", { text: "brief" }, 1500);
      expect(task.ttl).toBe(1500);
      await expect.poll(async () => (await rpcError(client.experimental.tasks.getTask(task.taskId)).catch(() => ({ code: 0 }))).code, EVENTUALLY).toBe(-32602);
      await expect.poll(() => database.db.mcpTask.count({ where: { id: task.taskId } }), EVENTUALLY).toBe(0);
    });
  });

  it("tells a stateful session the task's new status (notifications/tasks/status)", async () => {
    const server = await start();
    const { client } = await server.connect("tasks", key);
    const statuses: Array<{ taskId: string; status: string }> = [];
    client.setNotificationHandler(TaskStatusNotificationSchema, (n) => void statuses.push({ taskId: n.params.taskId, status: n.params.status }));
    const task = await callAsTask(client, "echo_back", { text: "tell me" });
    await expect.poll(() => statuses.some((s) => s.taskId === task.taskId && s.status === "completed"), EVENTUALLY).toBe(true);
  });

  it("a task cancelled through another replica stops where it runs", async () => {
    // Two endpoints over one database stand for two replicas: the cancellation reaches the call through the relay
    // (PostgreSQL) or, without one (SQLite, one process each), through the running replica's heartbeat.
    const running = await start();
    const other = await start({ mode: "stateless" });
    const { client } = await running.connect("tasks", key);
    const task = await callAsTask(client, "slow_wait", { ms: 9000 });
    const { client: elsewhere } = await other.connect("tasks", key);
    expect((await elsewhere.experimental.tasks.cancelTask(task.taskId)).status).toBe("cancelled");
    const row = await database.db.mcpTask.findUniqueOrThrow({ where: { id: task.taskId } });
    await expect.poll(async () => (await database.db.run.findUnique({ where: { id: row.runId } }))?.status ?? null, EVENTUALLY).toBe("cancelled");
    await expect.poll(() => running.endpoint.tasks?.runningCount, EVENTUALLY).toBe(0);
    expect((await client.experimental.tasks.getTask(task.taskId)).status).toBe("cancelled");
  });

  it("fails the tasks still running when the server's drain time is up, with the shutdown's sentence", async () => {
    const server = await start();
    const { client } = await server.connect("tasks", key);
    const task = await callAsTask(client, "slow_wait", { ms: 9000 });
    await expect.poll(() => server.endpoint.tasks?.runningCount, EVENTUALLY).toBe(1);
    server.endpoint.drain();
    server.endpoint.cancelCalls("The server is shutting down.");
    // A draining server takes no new requests: another replica answers.
    const { client: elsewhere } = await (await start({ mode: "stateless" })).connect("tasks", key);
    const failed = await untilStatus(elsewhere, task.taskId, ended);
    expect(failed).toMatchObject({ status: "failed", statusMessage: "The server is shutting down." });
    const result = await elsewhere.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
    expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: "The server is shutting down." }] });
  });

  it("sends a task's progress to a stateful session with the progress token of its tools/call", async () => {
    const server = await start();
    const { client } = await server.connect("tasks", key);
    const heard: Array<{ progress: number; total?: number; message?: string }> = [];
    const created = await client.request({ method: "tools/call", params: { name: "report_steps", arguments: {}, task: {} } }, CreateTaskResultSchema, {
      onprogress: (p) => void heard.push({ progress: p.progress, total: p.total, message: p.message }),
    });
    await untilStatus(client, created.task.taskId, ended);
    await expect.poll(() => heard.length, EVENTUALLY).toBeGreaterThan(0);
    expect(heard[0]).toEqual({ progress: 1, total: 2, message: "half way" });
    expect((await client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema)).content).toEqual([{ type: "text", text: "done" }]);
  });

  it("a new endpoint over the same database answers for a finished task", async () => {
    const first = await start();
    const { client } = await first.connect("tasks", key);
    const task = await callAsTask(client, "echo_back", { text: "durable" });
    await untilStatus(client, task.taskId, ended);
    await first.close();
    endpoints.splice(endpoints.indexOf(first), 1);
    for (const mode of ["stateful", "stateless"] as const) {
      const second = await start({ mode });
      const { client: again } = await second.connect("tasks", key);
      expect((await again.experimental.tasks.getTask(task.taskId)).status).toBe("completed");
      expect((await again.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema)).structuredContent).toEqual({ echo: "durable" });
    }
  });

  it("fails a task whose server process was killed mid-call, with a sentence saying why", async () => {
    const child = await startChildServer(database);
    let killed = false;
    try {
      const server = { url: (slug: string) => `http://127.0.0.1:${child.port}/mcp/${slug}` };
      const { Client } = await import("@modelcontextprotocol/sdk/client/index.js");
      const { StreamableHTTPClientTransport } = await import("@modelcontextprotocol/sdk/client/streamableHttp.js");
      const client = new Client({ name: "doomed", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(server.url("tasks")), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
      const task = await callAsTask(client, "slow_wait", { ms: 9000 });
      expect(task.status).toBe("working");
      child.process.kill("SIGKILL");
      killed = true;
      await client.close().catch(() => undefined);

      const restarted = await start({ mode: "stateless" });
      const { client: again } = await restarted.connect("tasks", key);
      const failed = await untilStatus(again, task.taskId, ended);
      expect(failed).toMatchObject({ status: "failed", statusMessage: ABANDONED_MESSAGE });
      const result = await again.experimental.tasks.getTaskResult(task.taskId, CallToolResultSchema);
      expect(result).toMatchObject({ isError: true, content: [{ type: "text", text: ABANDONED_MESSAGE }] });
    } finally {
      if (!killed) child.process.kill("SIGKILL");
    }
  });
});

async function startChildServer(database: TestDatabase): Promise<{ process: ChildProcess; port: number }> {
  const root = resolve(import.meta.dirname, "../..");
  // Node itself with tsx's loader, not the tsx wrapper: SIGKILL must reach the process that runs the call.
  const child = spawn(process.execPath, ["--import", "tsx", resolve(root, "tests/fixtures/mcp-tasks-server.ts")], {
    cwd: root,
    env: { ...process.env, ...database.env, TASK_HEARTBEAT_MS: String(TASKS.heartbeatMs) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const port = await new Promise<number>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the task server did not start:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /port (\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        ready(Number(match[1]));
      }
    };
    child.stdout!.on("data", read);
    child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code) => fail(new Error(`the task server exited (${code}):\n${output}`)));
  });
  return { process: child, port };
}
