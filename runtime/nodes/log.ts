import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { objectShape, valueShape } from "../model/shapes";

export const LOG_LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"] as const;

const params = z.object({ level: z.enum(LOG_LEVELS).default("info"), message: z.unknown() });

export const logNode = defineNode({
  type: "log",
  category: "caller",
  label: "Log",
  icon: "M6 3h9l4 4v14H6zM15 3v4h4M9 12h7M9 16h7",
  initialParams: { level: "info" },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Sends a log message to the MCP client (notifications/message) and records it in the run.",
  params,
  form: [
    { key: "level", kind: "select", label: "Level", default: "info", options: LOG_LEVELS.map((l) => ({ value: l, label: l })) },
    { key: "message", kind: "expression", label: "Message", required: true },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ level, message }` as sent." },
  outputShape: () => objectShape({ level: valueShape("string"), message: valueShape("string") }),
  compile: () => `const m = rt.str(p.message); await rt.host("log", { level: p.level, message: m }); return { level: p.level, message: m };`,
});
