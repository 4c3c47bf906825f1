// The resource URIs one stateful session subscribed to. A session stored for other replicas keeps them in storage too:
// the replica holding the client's GET stream may not be the one that got the resources/subscribe, and it is the one
// that can tell the client of a change. A session in one process only keeps them here.
import { ErrorCode } from "@modelcontextprotocol/sdk/types.js";
import type { SessionStore } from "./backend";
import { rpcError } from "./errors";

/** Subscriptions per session; enough for any client, and a bound on what one session can make the server keep. */
export const MAX_SUBSCRIPTIONS = 1000;

export class SessionSubscriptions {
  readonly local = new Set<string>();
  private shared?: { store: SessionStore; sessionId: string };

  /** From now on the subscriptions are kept in storage too (the session was stored, or taken over from it). */
  share(store: SessionStore, sessionId: string): void {
    if (store.setSubscribed && store.subscriptions) this.shared = { store, sessionId };
  }

  get isShared(): boolean {
    return this.shared !== undefined;
  }

  async add(uri: string): Promise<void> {
    if (!this.local.has(uri) && this.local.size >= MAX_SUBSCRIPTIONS) {
      throw rpcError(ErrorCode.InvalidRequest, `A session can subscribe to at most ${MAX_SUBSCRIPTIONS} resources; unsubscribe from some first.`);
    }
    // Stored first: a subscription the replica with the stream cannot see would be one that never tells anything.
    if (this.shared) await this.persist(uri, true);
    this.local.add(uri);
  }

  async delete(uri: string): Promise<void> {
    if (this.shared) await this.persist(uri, false);
    this.local.delete(uri);
  }

  private async persist(uri: string, subscribed: boolean): Promise<void> {
    try {
      await this.shared!.store.setSubscribed!(this.shared!.sessionId, uri, subscribed);
    } catch (error) {
      console.error(`MCP: could not store a subscription of session ${this.shared!.sessionId}:`, error);
      throw rpcError(ErrorCode.InternalError, "The subscription could not be saved; try again.");
    }
  }
}
