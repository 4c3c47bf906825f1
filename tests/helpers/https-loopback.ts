// A real HTTPS server on a free loopback port, with a self-signed certificate made for it at test time (openssl), that
// records every request it receives.
//
// Trusting that certificate: the guarded HTTP client (runtime/host/http.ts) makes its own undici Agent per request and
// has no option for extra CA certificates, and NODE_EXTRA_CA_CERTS is only read when the process starts. So while a
// server is open, tls.connect gets the server's certificate as its `ca` for connections to that server's port and
// no other; verification itself stays on (chain and host name are checked against the certificate), unlike
// NODE_TLS_REJECT_UNAUTHORIZED=0. undici looks tls.connect up on the module object at each connection, so replacing
// the property reaches it.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions, TLSSocket } from "node:tls";

export interface RecordedHttpsRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
}

export interface HttpsLoopbackServer {
  port: number;
  /** https://127.0.0.1:<port> */
  origin: string;
  requests: RecordedHttpsRequest[];
  /** Requests made for one path (query included). */
  requestsFor(path: string): number;
  close(): Promise<void>;
}

export type HttpsHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

/** A key and a certificate for IP 127.0.0.1, valid for a day. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), "toolflow-tls-"));
  try {
    execFileSync(
      "openssl",
      [
        "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
        "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "1",
        "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"),
      ],
      { stdio: "pipe" },
    );
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function startHttpsServer(handler: HttpsHandler): Promise<HttpsLoopbackServer> {
  const { key, cert } = selfSignedCertificate();
  const requests: RecordedHttpsRequest[] = [];
  const server = https.createServer({ key, cert }, (req, res) => {
    requests.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  trust(port, cert);
  return {
    port,
    origin: `https://127.0.0.1:${port}`,
    requests,
    requestsFor: (path) => requests.filter((r) => r.path === path).length,
    close: () =>
      new Promise<void>((resolve) => {
        untrust(port);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

type Connect = (options: ConnectionOptions, listener?: () => void) => TLSSocket;
const tlsModule = createRequire(import.meta.url)("node:tls") as { connect: Connect };
const trusted = new Map<number, string>();
let originalConnect: Connect | undefined;

function trust(port: number, cert: string): void {
  trusted.set(port, cert);
  if (originalConnect) return;
  const original = tlsModule.connect;
  originalConnect = original;
  tlsModule.connect = function connect(this: unknown, ...args: unknown[]) {
    const [options] = args;
    if (options && typeof options === "object") {
      const o = options as ConnectionOptions;
      const ca = o.ca === undefined && o.host === "127.0.0.1" ? trusted.get(Number(o.port)) : undefined;
      if (ca) args[0] = { ...o, ca };
    }
    return (original as (...a: unknown[]) => TLSSocket).apply(this, args);
  } as Connect;
}

function untrust(port: number): void {
  trusted.delete(port);
  if (trusted.size === 0 && originalConnect) {
    tlsModule.connect = originalConnect;
    originalConnect = undefined;
  }
}
