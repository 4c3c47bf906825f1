// A PostgreSQL LISTEN that stays up: one connection on one channel, reconnected after errors (one reconnect at a
// time, even when a failing connection reports both an error event and a rejected query). Notifications sent while
// it was not listening are lost, so `onListening` runs after every (re)connect for whoever must catch up.
import type pg from "pg";
import { pgDriver } from "../../runtime/host/drivers";
import { log } from "../ops/log";

export interface ListenOptions {
  onPayload(payload: string): void;
  onListening?(): void;
  /** Said once per failed attempt, with the reason. */
  failureMessage: string;
  retryMs: number;
}

export function listenOn(url: string, channel: string, options: ListenOptions): { close(): Promise<void> } {
  let client: pg.Client | undefined;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;
  const reconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      void connect();
    }, options.retryMs);
  };
  const connect = async () => {
    const next = new (pgDriver().Client)({ connectionString: url });
    next.on("notification", (message) => {
      if (message.channel === channel && message.payload) options.onPayload(message.payload);
    });
    next.on("error", () => {
      void next.end().catch(() => undefined);
      if (client === next) client = undefined;
      reconnect();
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${channel}`);
      if (closed) return void (await next.end().catch(() => undefined));
      client = next;
      options.onListening?.();
    } catch (error) {
      log().error({ channel, err: error }, options.failureMessage);
      await next.end().catch(() => undefined);
      reconnect();
    }
  };
  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retry);
      await client?.end().catch(() => undefined);
    },
  };
}
