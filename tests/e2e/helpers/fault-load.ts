// Steady MCP load for the fault suites: clients calling add_tax in a loop, each call with an amount of its own so
// its run record can be found by its input, and every outcome kept (answered, refused, failed, timed out).
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { ErrorCode, McpError, type CallToolResult } from "@modelcontextprotocol/sdk/types.js";

export const ADD_TAX = JSON.parse(readFileSync(resolve(import.meta.dirname, "../../../examples/add_tax.workflow.json"), "utf8")) as unknown;

export interface Outcome {
  amount: number;
  /** ok: the right total; tool-error: an isError result; error: the request failed; timeout: no answer in time. */
  kind: "ok" | "tool-error" | "error" | "timeout";
  message?: string;
  /** When the call was sent, and when its outcome came. */
  sentAt: number;
  at: number;
}

/** How long a call may go unanswered before the client gives up on it: far past any healthy call, even on a busy machine. */
export const CALL_TIMEOUT_MS = 45_000;

async function connect(url: string, key: string): Promise<Client> {
  const client = new Client({ name: "fault-client", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

export async function callOnce(client: Client, amount: number, timeoutMs = CALL_TIMEOUT_MS): Promise<Outcome> {
  const sentAt = Date.now();
  try {
    const result = (await client.callTool({ name: "add_tax", arguments: { amount, rate: 0.1 } }, undefined, { timeout: timeoutMs })) as CallToolResult;
    const total = (result.structuredContent as { total?: number } | undefined)?.total;
    if (!result.isError && total === Math.round(amount * 110) / 100) return { amount, kind: "ok", sentAt, at: Date.now() };
    const text = (result.content as Array<{ text?: string }> | undefined)?.[0]?.text;
    return { amount, kind: "tool-error", message: text ?? JSON.stringify(result), sentAt, at: Date.now() };
  } catch (error) {
    const timedOut = error instanceof McpError && error.code === ErrorCode.RequestTimeout;
    return { amount, kind: timedOut ? "timeout" : "error", message: error instanceof Error ? error.message : String(error), sentAt, at: Date.now() };
  }
}

/**
 * `clients` loops of calls until `stop()`. A loop whose session broke (its server went away) connects again, so calls
 * go on as a real client's would; connection attempts that fail count as errors too.
 */
export function startLoad(url: () => string, key: string, clients = 4, timeoutMs = CALL_TIMEOUT_MS, firstAmount = 1) {
  const outcomes: Outcome[] = [];
  let next = firstAmount;
  let stopped = false;
  const loops = Array.from({ length: clients }, async () => {
    let client: Client | undefined;
    while (!stopped) {
      try {
        client ??= await connect(url(), key);
      } catch (error) {
        outcomes.push({ amount: 0, kind: "error", message: `connect: ${error instanceof Error ? error.message : String(error)}`, sentAt: Date.now(), at: Date.now() });
        await new Promise((r) => setTimeout(r, 100));
        continue;
      }
      const outcome = await callOnce(client, next++, timeoutMs);
      outcomes.push(outcome);
      if (outcome.kind !== "ok") {
        // After a failure, a fresh session: the old one may be gone with its server. Paced, as a client retrying.
        await client.close().catch(() => undefined);
        client = undefined;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await client?.close().catch(() => undefined);
  });
  return {
    outcomes,
    count: (kind: Outcome["kind"], since = 0) => outcomes.filter((o) => o.kind === kind && o.at >= since).length,
    async stop() {
      stopped = true;
      await Promise.all(loops);
    },
  };
}

/** Tallies outcomes by kind and by message (messages with their numbers blanked, so alike ones group). */
export function tally(outcomes: Outcome[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of outcomes) {
    const key = o.kind === "ok" ? "ok" : `${o.kind}: ${(o.message ?? "").replace(/\d+/g, "#").slice(0, 160)}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}
