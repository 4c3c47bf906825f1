// JSON-RPC errors whose message is the sentence alone. The SDK's McpError prefixes "MCP error <code>:" to its message,
// and the server sends the message as it is, so a client would show the prefix twice (its own McpError adds one too).
import { McpError } from "@modelcontextprotocol/sdk/types.js";

export function rpcError(code: number, message: string, data?: unknown): McpError {
  const error = new McpError(code, message, data);
  error.message = message;
  return error;
}
