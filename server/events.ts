// In-process notifications between services and the MCP layer: "the live tools of this workspace changed".
// Other processes (CLI, replicas) learn the same through the database (see the live version cache).
import { EventEmitter } from "node:events";

export interface ToolsChanged {
  workspaceId: string;
  workflowId: string;
  reason: "publish" | "rollback" | "unpublish" | "archive";
}

const KEY = Symbol.for("toolflow.events");
type Holder = { [KEY]?: EventEmitter };

function emitter(): EventEmitter {
  const holder = globalThis as Holder;
  if (!holder[KEY]) {
    holder[KEY] = new EventEmitter();
    holder[KEY].setMaxListeners(0); // one listener per open MCP session
  }
  return holder[KEY];
}

export function emitToolsChanged(event: ToolsChanged): void {
  emitter().emit("tools-changed", event);
}

export function onToolsChanged(listener: (event: ToolsChanged) => void): () => void {
  emitter().on("tools-changed", listener);
  return () => emitter().off("tools-changed", listener);
}

/** A workspace's access settings changed (key revoked, settings edited): cached checks must be dropped. */
export function emitAccessChanged(workspaceId: string): void {
  emitter().emit("access-changed", workspaceId);
}

export function onAccessChanged(listener: (workspaceId: string) => void): () => void {
  emitter().on("access-changed", listener);
  return () => emitter().off("access-changed", listener);
}
