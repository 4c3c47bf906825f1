// The message catalogue: validation issues read as sentences that say what to do, fields are named the way the form
// names them, steps by their label, and expression errors point at the character.
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { describeIssue, humanizeKey, issueMessage, pathLabel, sentence, stepName, valueAt, type FieldLabel } from "../../runtime/model/messages";
import { issuesToProblems, paramLabel, parsePath } from "../../runtime/model/problems";
import { parseTemplate } from "../../runtime/expressions/template";
import { getNodeType } from "../../runtime/nodes/registry";
import { publicProcedure, router } from "../../server/trpc/init";
import { workflow } from "./helpers";

/** The one issue `schema` reports for `value`, phrased with `field` as its label. */
function say(schema: z.ZodType, value: unknown, field?: FieldLabel): string {
  const parsed = schema.safeParse(value);
  if (parsed.success) throw new Error("expected an issue");
  const issue = parsed.error.issues[0]!;
  return issueMessage(issue, { ...(field ? { field } : {}), received: valueAt(value, issue.path) });
}

function problems(doc: unknown): Problem[] {
  const r = validateWorkflow(doc);
  if (r.ok) throw new Error("expected problems");
  return r.problems;
}

/** A builder-facing message: a capitalised sentence, no validator wording, no raw param paths. */
function expectPlain(message: string) {
  expect(message).toMatch(/^[A-Z"][\s\S]*\.(\n.*\n *\^)?$/);
  expect(message).not.toMatch(/Invalid input|Invalid option|Too big|Too small|nonoptional|expected (string|number|one of)|received undefined|<=|>=|\(\d+:\d+\)|params\.|\[\d+\]/);
}

const set = (params: unknown, extra: Record<string, unknown> = {}) =>
  workflow([{ id: "calc", type: "set", params: params as Record<string, unknown>, ...extra }, { id: "out", type: "output", params: { value: "{{ steps.calc }}" } }], [
    { from: "input", to: "calc" },
    { from: "calc", to: "out" },
  ]);

describe("the three messages of the issue now read as sentences", () => {
  it('"params.fields[0].value: Invalid input: expected nonoptional, received undefined"', () => {
    const p = problems(set({ fields: [{ name: "total" }] }));
    expect(p).toEqual([{ nodeId: "calc", path: "params.fields[0].value", message: 'In the Set fields step "calc", give field 1 a value.' }]);
  });

  it('"Too big: expected string to have <=120 characters"', () => {
    const schema = z.object({ title: z.string().trim().max(120).optional() });
    const issue = schema.safeParse({ title: "x".repeat(131) }).error!.issues[0]!;
    expect(issue.message).toBe("Too big: expected string to have <=120 characters");
    expect(describeIssue(issue, { input: { title: "x".repeat(131) } }).message).toBe("The title can be at most 120 characters (now 131).");
  });

  it('"does not parse: Unexpected token (1:21)" points at the character instead', () => {
    const [error] = parseTemplate("{{ input.amount * }}").errors;
    expect(error).toEqual({ source: "input.amount *", message: "Unexpected end of expression.", line: 1, column: 14, caret: "input.amount *\n              ^" });
    const p = problems(set({ fields: [{ name: "total", value: "Total: {{ steps.lookup.body.total + * 2 }}" }] }));
    expect(p).toEqual([
      {
        nodeId: "calc",
        path: "params.fields[0].value",
        message: 'In the Set fields step "calc", the expression in the value of field 1 does not parse: Unexpected "*".\nsteps.lookup.body.total + * 2\n                          ^',
      },
    ]);
  });

  it("steps are named by their label when they have one", () => {
    const doc = workflow([{ id: "search", type: "http", label: "Search the CRM", params: {} }, { id: "out", type: "output", params: { value: 1 } }], [
      { from: "input", to: "search" },
      { from: "search", to: "out" },
    ]);
    expect(problems(doc)).toEqual([{ nodeId: "search", path: "params.url", message: 'In the step "Search the CRM", enter the URL.' }]);
    expect(stepName({ id: "search" }, "HTTP request")).toBe('the HTTP request step "search"');
    expect(stepName({ id: "search", label: "  " }, "HTTP request")).toBe('the HTTP request step "search"');
  });
});

describe("issueMessage", () => {
  it("missing values say what to fill in, with a verb that fits the field", () => {
    expect(say(z.object({ url: z.string() }), {}, { noun: "URL" })).toBe("Enter the URL.");
    expect(say(z.object({ url: z.string().min(1) }), { url: "" }, { noun: "URL" })).toBe("Enter the URL.");
    expect(say(z.object({ m: z.enum(["a", "b"]) }), {}, { noun: "method", kind: "select" })).toBe("Choose one of a or b for the method.");
    expect(say(z.object({ name: z.string() }), {}, { noun: "name", owner: "field 1" })).toBe("Give field 1 a name.");
    expect(say(z.object({ id: z.string() }), {}, { noun: "ID", owner: "step 3" })).toBe("Give step 3 an ID.");
    expect(say(z.object({ items: z.array(z.string()) }), {}, { noun: "items" })).toBe("Add the items.");
    expect(say(z.object({ x: z.string() }), {})).toBe("A value is missing here; fill it in.");
  });

  it("sizes and ranges give the limit and the value now", () => {
    expect(say(z.string().max(120), "x".repeat(131), { noun: "title" })).toBe("The title can be at most 120 characters (now 131).");
    expect(say(z.string().min(3), "ab", { noun: "name" })).toBe("The name must be at least 3 characters (now 2).");
    expect(say(z.string().length(2), "abc", { noun: "country code" })).toBe("The country code must have exactly 2 characters (now 3).");
    expect(say(z.number().max(5), 9, { noun: "retries" })).toBe("The retries can be at most 5 (now 9).");
    expect(say(z.number().lt(5), 5, { noun: "level" })).toBe("The level must be less than 5 (now 5).");
    expect(say(z.number().min(1), 0, { noun: "limit" })).toBe("The limit must be at least 1 (now 0).");
    expect(say(z.number().min(0), -2, { noun: "wait" })).toBe("The wait cannot be negative (now -2).");
    expect(say(z.number().int(), 1.5, { noun: "count" })).toBe("The count must be a whole number (now 1.5).");
    expect(say(z.array(z.string()).min(1), [], { noun: "fields" })).toBe("Add at least one item to the fields.");
    expect(say(z.array(z.string()).max(2), ["a", "b", "c"], { noun: "tags" })).toBe("The tags can have at most 2 items (now 3); remove some.");
    expect(say(z.number().multipleOf(5), 7, { noun: "step" })).toBe("The step must be a multiple of 5.");
  });

  it("choices list the allowed values and say what was given", () => {
    const methods = z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]);
    expect(say(methods, "FETCH")).toBe('Choose one of GET, POST, PUT, PATCH or DELETE (now "FETCH").');
    expect(issueMessage(methods.safeParse("FETCH").error!.issues[0]!)).toBe("Choose one of GET, POST, PUT, PATCH or DELETE.");
    expect(say(methods, "x", { noun: "method" })).toBe('Choose one of GET, POST, PUT, PATCH or DELETE for the method (now "x").');
    expect(say(z.literal("toolflow.workflow/v1"), "v9", { noun: "format" })).toBe('The format must be "toolflow.workflow/v1" (now "v9").');
    const tagged = z.discriminatedUnion("kind", [z.object({ kind: z.literal("a") }), z.object({ kind: z.literal("b") })]);
    expect(describeIssue(tagged.safeParse({ kind: "c" }).error!.issues[0]!, { input: { kind: "c" } }).message).toBe('Choose one of a or b for the kind (now "c").');
  });

  it("wrong types name what is wanted and what was given", () => {
    expect(say(z.string(), 42, { noun: "name" })).toBe("The name must be text, not the number 42.");
    expect(say(z.number(), "ten", { noun: "timeout (ms)" })).toBe('The timeout (ms) must be a number, not the text "ten".');
    expect(say(z.array(z.string()), { a: 1 }, { noun: "tags" })).toBe("The tags must be a list, not an object.");
    expect(say(z.boolean(), null, { noun: '"read-only" setting' })).toBe('The "read-only" setting must be true or false, not null.');
    expect(say(z.union([z.string(), z.number()]), true, { noun: "value" })).toBe("The value must be text or a number, not true.");
    expect(say(z.union([z.string(), z.number()]), undefined, { noun: "value" })).toBe("Enter the value.");
  });

  it("formats say what the value should look like", () => {
    expect(say(z.email(), "bob", { noun: "email" })).toBe("The email must be an email address, like name@example.com.");
    expect(say(z.url(), "nope", { noun: "address" })).toBe("The address must be a full web address, like https://example.com.");
    expect(say(z.string().startsWith("sk_"), "pk_1", { noun: "key" })).toBe('The key must start with "sk_".');
    expect(say(z.iso.date(), "31/01/2025", { noun: "start date" })).toBe("The start date must be a date like 2025-01-31.");
    expect(say(z.string().regex(/^[a-z]+$/), "A B", { noun: "slug" })).toBe("The slug is not in the form this field accepts; check for spaces or symbols that are not allowed.");
  });

  it("keys that do not belong are named, to be removed", () => {
    expect(say(z.strictObject({ a: z.string() }), { a: "x", zz: 1 })).toBe('Remove "zz"; it is not a setting this accepts.');
    expect(say(z.strictObject({}), { b: 1, c: 2 }, { noun: "auth" })).toBe('Remove "b" and "c" from the auth; they are not settings this accepts.');
  });

  it("messages written by a schema's author pass through as sentences", () => {
    expect(say(z.string().min(1, "Give the URL to call."), "")).toBe("Give the URL to call.");
    expect(say(z.string().min(1, "each field needs a name"), "")).toBe("Each field needs a name.");
    expect(say(z.string().refine(() => false, "`error` is reserved for the on-error route"), "x")).toBe("`error` is reserved for the on-error route.");
    expect(say(z.string({ error: "Tool names are letters and digits." }), 1)).toBe("Tool names are letters and digits.");
    expect(say(z.string().refine(() => false), "x", { noun: "code" })).toBe("Check the code: it is not accepted as written.");
  });

  it("a union whose branch got past the type check reports that branch's issue at its full path", () => {
    const schema = z.object({ a: z.union([z.object({ k: z.string().max(2) }), z.object({ j: z.number() })]) });
    const issue = schema.safeParse({ a: { k: "abc" } }).error!.issues[0]!;
    const described = describeIssue(issue, { input: { a: { k: "abc" } } });
    expect(described.issue.path).toEqual(["a", "k"]);
    expect(described.message).toBe("The k of the a can be at most 2 characters (now 3).");
  });

  it("sentence() makes fragments into sentences and leaves sentences alone", () => {
    expect(sentence("give `fields` or `json`")).toBe("Give `fields` or `json`.");
    expect(sentence("Done.")).toBe("Done.");
    expect(sentence('Use "x"')).toBe('Use "x".');
  });
});

describe("labels", () => {
  it("come from the node's form, with list items numbered", () => {
    const setNode = getNodeType("set")!;
    const http = getNodeType("http")!;
    expect(paramLabel(["fields", 0, "name"], setNode)).toEqual({ noun: "name", owner: "field 1", kind: "text" });
    expect(paramLabel(["fields", 2], setNode)).toEqual({ noun: "field 3", bare: true });
    expect(paramLabel(["url"], http)).toEqual({ noun: "URL", kind: "expression" });
    expect(paramLabel(["auth", "secret"], http)).toEqual({ noun: "credential", kind: "secret" });
    expect(paramLabel(["auth", "scheme"], http)).toEqual({ noun: '"Send credential as" setting', kind: "select" });
    expect(paramLabel(["allowErrorStatus"], http)).toEqual({ noun: '"Treat 4xx/5xx as a normal response" setting', kind: "boolean" });
    expect(paramLabel(["cases", 1, "handle"], getNodeType("switch")!)).toMatchObject({ noun: "handle", owner: "case 2" });
    // The parameter builder describes its items itself, so nested keys are named from the path.
    expect(paramLabel(["fields", 2, "fields", 0, "name"], getNodeType("input")!)).toEqual({ noun: "name", owner: "field 1 of parameter 3" });
    expect(paramLabel(["fields", 0, "name"], getNodeType("ask_user")!)).toEqual({ noun: "name", owner: "answer 1" });
  });

  it("come from the path when there is no form", () => {
    expect(pathLabel(["limits", "timeoutMs"])).toEqual({ noun: "timeout (ms)", owner: "the limits" });
    expect(pathLabel(["redirectUris", 1])).toEqual({ noun: "redirect URI 2", bare: true });
    expect(pathLabel([])).toBeUndefined();
    expect(humanizeKey("maxRows")).toBe("max rows");
    expect(parsePath("params.fields[0].value")).toEqual(["params", "fields", 0, "value"]);
  });

  it("issuesToProblems keeps path and nodeId as they were and names the step", () => {
    const issues = getNodeType("http")!.params.safeParse({ url: "https://x.example", retries: 9 }).error!.issues;
    expect(issuesToProblems(issues, { nodeId: "api", prefix: ["params"], descriptor: getNodeType("http")!, step: 'the HTTP request step "api"', input: { retries: 9 } })).toEqual([
      { nodeId: "api", path: "params.retries", message: 'In the HTTP request step "api", the retries can be at most 5 (now 9).' },
    ]);
  });
});

describe("expression parse errors", () => {
  it("carry the line, the column and a caret under the character", () => {
    expect(parseTemplate("{{ 'abc }}").errors[0]).toMatchObject({ message: "A quoted text is not closed; add the closing quote.", column: 0, caret: "'abc\n^" });
    expect(parseTemplate("{{ a\n  + * b }}").errors[0]).toMatchObject({ message: 'Unexpected "*".', line: 2, column: 4, caret: "  + * b\n    ^" });
    expect(parseTemplate("{{ a b }}").errors[0]).toMatchObject({ column: 2, caret: "a b\n  ^" });
    expect(parseTemplate("{{ a @ b }}").errors[0]!.message).toBe('The character "@" cannot be used here.');
    expect(parseTemplate("{{ \tx * }}").errors[0]).toMatchObject({ caret: "x *\n   ^" });
  });
});

describe("every validation message is a plain sentence that names its step", () => {
  it("for a file full of mistakes", () => {
    const doc = {
      format: "toolflow.workflow/v2",
      name: "bad name",
      nodes: [
        { id: "input", type: "input", params: { fields: [{ name: "kind", type: "enum" }, { type: "colour" }, { name: "o", type: "object", fields: [{ name: "1x", type: "string" }] }] } },
        { id: "api", type: "http", label: "Search the CRM", params: { method: "FETCH", timeoutMs: "soon", retries: 9, url: "{{ input. }}" } },
        { id: "calc", type: "set", params: { fields: [{ name: "a" }, { value: 1 }] } },
        { id: "sw", type: "switch", params: { value: 1, cases: [{ equals: 1 }] } },
        { id: "w", type: "wait", params: { ms: -5 } },
        { id: "dup", type: "set", params: { fields: [] } },
        { id: "dup", type: "set", params: { fields: [] } },
        { id: "-bad", type: "set", onError: "explode" },
        { type: "set" },
        { id: "x", type: "teleport" },
      ],
      edges: [{ from: "input", to: "ghost" }, { to: 3 }, { from: "api", to: "calc", handle: "maybe" }],
    };
    const found = problems(doc);
    expect(found.length).toBeGreaterThan(15);
    for (const p of found) expectPlain(p.message);
    const byPath = (path: string) => found.find((p) => p.path === path)?.message;
    expect(byPath("params.timeoutMs")).toBe('In the step "Search the CRM", the timeout (ms) must be a number or a {{ }} expression, not the text "soon".');
    expect(byPath("params.fields[1].type")).toBe('In the Tool input step "input", choose one of string, number, integer, boolean, enum, object or array for the type of parameter 2 (now "colour").');
    expect(byPath("params.ms")).toBe('In the Wait step "w", the milliseconds cannot be negative (now -5).');
    expect(byPath("nodes[8].id")).toBe("Give step 9 an ID.");
    expect(byPath("edges[1].from")).toBe("Give connection 2 a start step.");
    expect(byPath("onError")).toBe('In the Set fields step "-bad", choose one of fail, continue or route for the "On error" setting (now "explode").');
  });
});

describe("the tRPC error formatter", () => {
  const app = router({
    make: publicProcedure
      .input(z.object({ title: z.string().trim().max(120).optional(), limits: z.object({ timeoutMs: z.number().int().min(100) }).optional(), email: z.email().optional() }))
      .mutation(() => "ok"),
  });
  async function call(input: unknown) {
    const res = await fetchRequestHandler({
      endpoint: "/t",
      req: new Request("http://test.local/t/make", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ json: input }) }),
      router: app,
      createContext: () => ({ db: {} as never, user: null }),
    });
    return ((await res.json()) as { error: { json: { message: string; data: { field: string | null; fieldErrors: Record<string, string[]> | null } } } }).error.json;
  }

  it("sends the first issue as a sentence, keeping field and fieldErrors", async () => {
    const error = await call({ title: "x".repeat(131) });
    expect(error.message).toBe("The title can be at most 120 characters (now 131).");
    expect(error.data.field).toBe("title");
    expect(error.data.fieldErrors).toEqual({ title: ["The title can be at most 120 characters (now 131)."] });
  });

  it("names a nested field by its last key", async () => {
    const error = await call({ limits: { timeoutMs: 5 }, email: "bob" });
    expect(error.message).toBe("The timeout (ms) must be at least 100 (now 5).");
    expect(error.data.field).toBe("limits.timeoutMs");
    expect(error.data.fieldErrors).toEqual({ limits: ["The timeout (ms) must be at least 100 (now 5)."], email: ["The email must be an email address, like name@example.com."] });
  });
});
