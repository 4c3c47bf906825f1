// The operator's endpoints of the full app process (`npm start`: Next.js, the API and the authorization server beside
// the MCP endpoints): health and readiness, metrics with the app's route kinds and the token endpoint's outcomes, JSON
// log lines, and a clean exit on SIGTERM.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePrometheus } from "../helpers/prometheus";
import { startAppServer, type AppServer } from "./helpers/server";

const METRICS_TOKEN = "ops-app-metrics-token-9b1e77c0";

describe("operating the app process", () => {
  let server: AppServer;
  beforeAll(async () => {
    server = await startAppServer("sqlite", { TOOLFLOW_METRICS_TOKEN: METRICS_TOKEN }, { loopbackPublicUrl: true });
  });
  afterAll(async () => server?.stop());

  const scrape = async () => parsePrometheus(await (await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } })).text());

  it("answers /healthz and /readyz like the runtime process", async () => {
    expect(await (await fetch(`${server.url}/healthz`)).json()).toEqual({ status: "ok" });
    expect(await (await fetch(`${server.url}/readyz`)).json()).toEqual({ status: "ready", checks: { database: true, migrations: true, sandbox: true, storage: true } });
    expect((await fetch(`${server.url}/metrics`)).status).toBe(401);
  });

  it("counts responses by route kind and the token endpoint's refusals by grant type and error", async () => {
    expect((await fetch(`${server.url}/`, { redirect: "manual" })).status).toBe(307);
    expect((await fetch(`${server.url}/api/trpc/workspace.listMine`)).status).toBe(401);
    const post = (path: string, body: string, type: string) =>
      fetch(`${server.url}/api/auth${path}`, { method: "POST", headers: { "content-type": type, origin: server.url }, body });
    const registered = await post(
      "/oauth2/register",
      JSON.stringify({ client_name: "Ops", redirect_uris: ["http://127.0.0.1:8976/callback"], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] }),
      "application/json",
    );
    expect(registered.status).toBe(201);
    const { client_id } = (await registered.json()) as { client_id: string };
    const form = new URLSearchParams({ grant_type: "authorization_code", code: "never-issued", redirect_uri: "http://127.0.0.1:8976/callback", client_id, code_verifier: "v".repeat(43) });
    const refused = await post("/oauth2/token", form.toString(), "application/x-www-form-urlencoded");
    expect(refused.status).toBe(400);
    const m = await scrape();
    expect(m.value("toolflow_oauth_token_refusals_total", { grant_type: "authorization_code", error: "invalid_grant" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "app", class: "3xx" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "api", class: "4xx" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "oauth", class: "2xx" })).toBe(1);
    expect(m.value("toolflow_http_responses_total", { route: "oauth", class: "4xx" })).toBe(1);
  });

  it("logs JSON lines only, and drains and exits 0 on SIGTERM", async () => {
    server.kill("SIGTERM");
    expect(await server.exited).toBe(0);
    const lines = server.stdout().split("\n").filter((l) => l.trim());
    const messages = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(messages).toContain("editor app loaded");
    expect(messages[messages.length - 1]).toBe("stopped");
  });
});
