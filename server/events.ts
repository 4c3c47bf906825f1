// In-process notifications between services and the MCP layer: "the live tools of this workspace changed".
// Other processes (CLI, replicas) learn the same through the database (see the live version cache).
import { EventEmitter } from "node:events";

export interface ToolsChanged {
  workspaceId: string;
  workflowId: string;
  reason: "publish" | "rollback" | "unpublish" | "archive";
}

const events = new EventEmitter();
events.setMaxListeners(0); // one listener per open MCP session


export function emitToolsChanged(event: ToolsChanged): void {
  events.emit("tools-changed", event);
}

export function onToolsChanged(listener: (event: ToolsChanged) => void): () => void {
  events.on("tools-changed", listener);
  return () => events.off("tools-changed", listener);
}

/** A workspace's access settings changed (key revoked, settings edited): cached checks must be dropped. */
export function emitAccessChanged(workspaceId: string): void {
  events.emit("access-changed", workspaceId);
}

export function onAccessChanged(listener: (workspaceId: string) => void): () => void {
  events.on("access-changed", listener);
  return () => events.off("access-changed", listener);
}

/** What MCP serves besides tools changed: a document (resources) or a prompt of this workspace. */
export interface SurfaceChanged {
  workspaceId: string;
  kind: "documents" | "prompts";
}

export function emitSurfaceChanged(event: SurfaceChanged): void {
  events.emit("surface-changed", event);
}

export function onSurfaceChanged(listener: (event: SurfaceChanged) => void): () => void {
  events.on("surface-changed", listener);
  return () => events.off("surface-changed", listener);
}
