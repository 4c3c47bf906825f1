import { describe, expect, it } from "vitest";
import { authOf, draftOf } from "../../app/components/connections/authDraft";
import { argValue, formForValues, shownValue, storedValue, withArg } from "../../app/components/connections/operationArgs";
import { isConnectMessage } from "../../app/components/connections/useConnectPopup";
import { importDescription, operationForm } from "../../runtime/connections/openapi";

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
  it("keeps integer, number and boolean enums typed: a chosen 2 is written as 2, and shown as chosen again", async () => {
    const imported = await importDescription({
      openapi: "3.0.3",
      info: { title: "Typed", version: "1" },
      paths: {
        "/items": {
          post: {
            operationId: "createItem",
            parameters: [{ name: "size", in: "query", schema: { type: "integer", enum: [10, 20, 50] } }],
            requestBody: {
              content: {
                "application/json": {
                  schema: {
                    type: "object",
                    properties: {
                      priority: { type: "integer", enum: [1, 2, 3] },
                      ratio: { type: "number", enum: [0.5, 1.5] },
                      urgent: { type: "boolean", enum: [true, false] },
                      status: { type: "string", enum: ["open", "closed"] },
                    },
                  },
                },
              },
            },
            responses: { "201": { description: "Created" } },
          },
        },
      },
    });
    if (!imported.ok) throw new Error(JSON.stringify(imported.problems));
    const form = formForValues(operationForm(imported.description.operations[0]!), {});
    const byKey = Object.fromEntries(form.map((f) => [f.key, f]));
    for (const key of ["args.query.size", "args.body.priority", "args.body.ratio", "args.body.urgent", "args.body.status"]) expect(byKey[key]!.kind).toBe("select");
    expect(byKey["args.body.status"]!.values).toBeUndefined(); // text values need no mapping

    // What the select hands back is the option's text; what is stored is the typed value.
    let args = withArg({}, "args.query.size", storedValue(byKey["args.query.size"]!, "20"));
    args = withArg(args, "args.body.priority", storedValue(byKey["args.body.priority"]!, "2"));
    args = withArg(args, "args.body.ratio", storedValue(byKey["args.body.ratio"]!, "1.5"));
    args = withArg(args, "args.body.urgent", storedValue(byKey["args.body.urgent"]!, "false"));
    args = withArg(args, "args.body.status", storedValue(byKey["args.body.status"]!, "open"));
    expect(args).toEqual({ query: { size: 20 }, body: { priority: 2, ratio: 1.5, urgent: false, status: "open" } });

    // Read back, each is still a select showing its option, not an expression field holding a number.
    const again = formForValues(operationForm(imported.description.operations[0]!), args);
    for (const f of again) {
      expect(f.kind).toBe("select");
      expect(f.options!.map((o) => o.value)).toContain(shownValue(f, argValue(args, f.key)));
    }
    expect(shownValue(byKey["args.body.urgent"]!, false)).toBe("false");
    expect(storedValue(byKey["args.body.priority"]!, "{{ input.p }}")).toBe("{{ input.p }}");
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
