// A loopback load balancer for replica tests: each request goes to the replica a routing function names (from what
// the request is), streaming answers back (SSE included), with a log of where each went and what it got.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface Routed<R extends string> {
  replica: R;
  /** The JSON-RPC method, "answer" / "error answer" for a response, or the HTTP method when there is no body. */
  what: string;
  /** The replica's status code, once its answer began (502 when it could not be reached). */
  status?: number;
}

export async function startRoutingProxy<R extends string>(targets: Record<R, string>, initialRoute: (what: string) => R) {
  const log: Array<Routed<R>> = [];
  const state = { route: initialRoute };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      let what = req.method ?? "GET";
      try {
        const parsed = body.length ? (JSON.parse(body.toString("utf8")) as { method?: string; result?: unknown; error?: unknown }) : undefined;
        if (parsed) what = parsed.method ?? (parsed.result !== undefined ? "answer" : parsed.error !== undefined ? "error answer" : "?");
      } catch {
        // not JSON: forwarded as it is
      }
      const replica = state.route(what);
      const entry: Routed<R> = { replica, what };
      log.push(entry);
      const target = new URL(req.url ?? "/", targets[replica]);
      const upstream = http.request(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        // At once, as a balancer does: an SSE stream's headers would otherwise wait for its first event.
        res.flushHeaders();
        answer.pipe(res);
        // A replica that dies mid-answer (a GET stream, say) ends the client's connection too, as a balancer would.
        answer.on("close", () => {
          if (!answer.complete) res.destroy();
        });
      });
      upstream.on("error", () => {
        entry.status ??= 502;
        if (res.headersSent) res.destroy();
        else res.writeHead(502).end();
      });
      res.on("close", () => upstream.destroy());
      upstream.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    log,
    /** Where requests go from now on. */
    setRoute(route: (what: string) => R) {
      state.route = route;
    },
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
