import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression } from "./common";
import { OperationParamsSchema } from "../connections/openapi/operation-params";
import { objectShape, UNKNOWN, valueShape } from "../model/shapes";

// The connection and the operation are names fixed when the step is written (the version freezes what the operation
// is when it is published); the arguments are expressions. docs/workflow-format-connections.md describes the params.
const params = OperationParamsSchema.extend({
  timeoutMs: orExpression(z.number().int().min(1).max(300_000)).default(10_000),
  retries: orExpression(z.number().int().min(0).max(5)).default(0),
  allowErrorStatus: z.boolean().default(false),
});

export const operationNode = defineNode({
  type: "operation",
  category: "integration",
  label: "API operation",
  icon: "M9 3v4M15 3v4M7 7h10v4a5 5 0 0 1-10 0zM12 16v5",
  initialParams: { args: {}, timeoutMs: 10_000, retries: 0, allowErrorStatus: false },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Calls one operation of a connection's API description; the connection adds its base URL and credential on the server.",
  params,
  rawParams: ["connection", "operationId"],
  form: [
    { key: "connection", kind: "connection", label: "Connection", required: true, help: "A connection of this workspace; its credential is added by the server and never shown." },
    { key: "operationId", kind: "operation", label: "Operation", required: true },
    { key: "args", kind: "operationArgs", label: "Arguments", help: "Values for the operation's parameters and body; each may be an expression." },
    { key: "timeoutMs", kind: "number", label: "Timeout (ms)", default: 10_000 },
    { key: "retries", kind: "number", label: "Retries", default: 0, help: "Retries on 429 and 5xx with exponential backoff (0–5)." },
    { key: "allowErrorStatus", kind: "boolean", label: "Treat 4xx/5xx as a normal response", default: false },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ status, headers, body }` like an HTTP request: the body parsed as JSON when the API sends JSON." },
  outputShape: () => objectShape({ status: valueShape("number"), headers: objectShape({}, false), body: UNKNOWN }),
  compile: () =>
    `return await rt.host("operation", { connection: p.connection, operationId: p.operationId, args: p.args, timeoutMs: p.timeoutMs, retries: p.retries, allowErrorStatus: p.allowErrorStatus });`,
});
