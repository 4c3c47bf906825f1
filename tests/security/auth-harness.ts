// The real better-auth handler (server/auth/auth.ts, with Toolflow's hooks) behind the real HTTP entry point
// (server/http/server.ts: client address, trusted proxies) on loopback, on a fresh database. Requests go out with
// node:http so a test can pick the local address it connects from (any 127.x.y.z is loopback on Linux): each test
// gets its own per-address bucket of better-auth's limiter, which lives in process memory.
import http from "node:http";
import { toNodeHandler } from "better-auth/node";
import { createAuth, type Auth } from "../../server/auth/auth";
import type { DbProvider } from "../../server/db/url";
import { startHttpServer, type RunningServer } from "../../server/http/server";
import { createTestDatabase, type TestDatabase } from "../helpers/database";

// better-auth's baseURL and trusted origin come from PORT (server/config.ts); requests name that origin.
export const ORIGIN = "http://localhost:3000";
process.env.BETTER_AUTH_SECRET ??= "test-secret-test-secret-test-secret-0123";

export interface AuthServer {
  url: string;
  auth: Auth;
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startAuthServer(options: { provider?: DbProvider; trustedProxies?: string[] } = {}): Promise<AuthServer> {
  const database = await createTestDatabase(options.provider ?? "sqlite");
  const auth = createAuth(database.db);
  const running: RunningServer = await startHttpServer({ host: "127.0.0.1", port: 0, app: toNodeHandler(auth), trustedProxies: options.trustedProxies });
  return {
    url: running.url,
    auth,
    database,
    async close() {
      await running.close(1000);
      await database.cleanup();
    },
  };
}

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: { code?: string; message?: string; user?: { id: string; email: string }; token?: string | null };
}

/** POSTs JSON to an auth path, from `localAddress` (default 127.0.0.1), with extra headers. */
export function post(server: AuthServer, path: string, body: unknown, options: { headers?: Record<string, string>; localAddress?: string } = {}): Promise<Reply> {
  const url = new URL(`/api/auth${path}`, server.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      {
        method: "POST",
        localAddress: options.localAddress,
        agent: false,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), origin: ORIGIN, ...options.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: Reply["body"] = {};
          try {
            parsed = text ? (JSON.parse(text) as Reply["body"]) : {};
          } catch {
            parsed = { message: text };
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: parsed });
        });
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

let addressCounter = 0;
/** A documentation-range address nobody else in this process uses (for X-Forwarded-For through a trusted proxy). */
export function freshClientAddress(): string {
  addressCounter += 1;
  return `198.51.${Math.floor(addressCounter / 250) % 250}.${(addressCounter % 250) + 1}`;
}

let loopbackCounter = 0;
/** A loopback address of its own for a test (127.77.x.y), so better-auth's per-address buckets start empty. */
export function freshLoopback(): string {
  loopbackCounter += 1;
  return `127.77.${Math.floor(loopbackCounter / 250) % 250}.${(loopbackCounter % 250) + 1}`;
}
