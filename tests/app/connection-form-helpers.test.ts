import { describe, expect, it } from "vitest";
import { authOf, draftOf } from "../../app/components/connections/authDraft";
import { argValue, formForValues, withArg } from "../../app/components/connections/operationArgs";
import { isConnectMessage } from "../../app/components/connections/useConnectPopup";

describe("operation step arguments", () => {
  it("places names with dots in their group, never as nested paths", () => {
    const args = withArg({}, "args.query.page.size", "10");
    expect(args).toEqual({ query: { "page.size": "10" } });
    expect(argValue(args, "args.query.page.size")).toBe("10");
    expect(withArg(args, "args.query.page.size", undefined)).toEqual({});
  });
  it("keeps a whole JSON body under args.body", () => {
    expect(withArg({ path: { id: "1" } }, "args.body", { a: 1 })).toEqual({ path: { id: "1" }, body: { a: 1 } });
  });
  it("shows listed values as a select unless an expression is already written", () => {
    const form = [{ key: "args.query.status", kind: "expression" as const, label: "status", options: [{ value: "open", label: "open" }] }];
    expect(formForValues(form, {})[0]!.kind).toBe("select");
    expect(formForValues(form, { query: { status: "{{ input.status }}" } })[0]!.kind).toBe("expression");
  });
});

describe("connection form auth", () => {
  it("round-trips each kind's settings, scopes split on spaces", () => {
    const auth = { kind: "oauth2_authorization_code" as const, authorizationUrl: "https://a.example/auth", tokenUrl: "https://a.example/token", clientId: "c", scopes: ["read", "write"], clientAuth: "none" as const };
    expect(authOf(draftOf(auth))).toEqual(auth);
    expect(authOf({ ...draftOf(undefined), kind: "api_key", keyIn: "query", keyName: "key" })).toEqual({ kind: "api_key", in: "query", name: "key" });
  });
});

describe("Connect popup message", () => {
  const event = (origin: string, data: unknown) => ({ origin, data }) as MessageEvent;
  it("accepts only our origin and message type", () => {
    const good = { type: "toolflow:connection-oauth", ok: true, message: "Connected", connection: "crm", workspace: "w" };
    expect(isConnectMessage(event("http://app.test", good), "http://app.test")).toBe(true);
    expect(isConnectMessage(event("http://evil.test", good), "http://app.test")).toBe(false);
    expect(isConnectMessage(event("http://app.test", { ...good, type: "other" }), "http://app.test")).toBe(false);
    expect(isConnectMessage(event("http://app.test", "Connected"), "http://app.test")).toBe(false);
  });
});
