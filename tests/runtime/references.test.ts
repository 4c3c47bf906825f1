// Expressions checked against what is known (issue 14, item 1): a mistyped field is a problem on the step that has it,
// an error where the shape is declared and a warning where it is only inferred (an open schema, the last test run).
import { describe, expect, it } from "vitest";
import { validateWorkflow, type Problem } from "../../runtime/model";
import { compileWorkflow } from "../../runtime/compiler";
import { workflow } from "./helpers";

const amountInput = { id: "input", type: "input", params: { fields: [{ name: "amount", type: "number", required: true }, { name: "rate", type: "number" }] } };

function check(doc: unknown, shapes?: Record<string, unknown>): { errors: Problem[]; warnings: Problem[] } {
  const r = validateWorkflow(doc, { shapes });
  return { errors: r.ok ? [] : r.problems, warnings: r.warnings };
}

/** input → calc (set with these fields) → out. */
function calc(fields: Array<{ name: string; value: string }>, input: object = amountInput) {
  return workflow([input as never, { id: "calc", type: "set", label: "Work out the total", params: { fields } }, { id: "out", type: "output", params: { mode: "json", value: "{{ steps.calc }}" } }], [
    { from: "input", to: "calc" },
    { from: "calc", to: "out" },
  ]);
}

describe("references to the tool input", () => {
  it("a typo is an error on the step, naming the field and the likely one, and it blocks publishing", () => {
    const doc = calc([{ name: "total", value: "{{ input.amout * (1 + input.rate) }}" }]);
    const { errors } = check(doc);
    expect(errors).toEqual([{ nodeId: "calc", path: "params.fields[0].value", message: 'The tool input has no field "amout". Did you mean "amount"?' }]);
    expect(() => compileWorkflow(doc)).toThrow(/no field "amout"/);
  });

  it("the right names, methods of values and array members pass", () => {
    const input = {
      id: "input",
      type: "input",
      params: { fields: [{ name: "name", type: "string" }, { name: "tags", type: "array", items: { type: "string" } }, { name: "amount", type: "number" }] },
    };
    const doc = calc(
      [
        { name: "a", value: "{{ input.name.toUpperCase() }}" },
        { name: "b", value: "{{ input.tags.length + input.tags.map((t) => t.trim()).length }}" },
        { name: "c", value: "{{ input.amount.toFixed(2) }} and {{ input['name'] }} and {{ input.hasOwnProperty('x') }}" },
        { name: "d", value: "{{ JSON.stringify(input) }}" },
      ],
      input,
    );
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
  });

  it("nested fields are checked too, and a field list without a close match lists what there is", () => {
    const input = { id: "input", type: "input", params: { fields: [{ name: "customer", type: "object", fields: [{ name: "name", type: "string" }, { name: "email", type: "string" }] }] } };
    const doc = calc([{ name: "a", value: "{{ input.customer.nmae }}" }, { name: "b", value: "{{ input.customer.phone }}" }], input);
    expect(check(doc).errors.map((p) => p.message)).toEqual([
      'In the tool input, customer has no field "nmae". Did you mean "name"?',
      'In the tool input, customer has no field "phone". Its fields: "name", "email".',
    ]);
  });

  it("a raw schema is as strict as it says: additionalProperties false makes errors, an open one warnings", () => {
    const raw = (extra: object) => ({ id: "input", type: "input", params: { schema: { type: "object", properties: { amount: { type: "number" } }, ...extra } } });
    const closed = check(calc([{ name: "t", value: "{{ input.amout }}" }], raw({ additionalProperties: false })));
    expect(closed.errors.map((p) => p.message)).toEqual(['The tool input has no field "amout". Did you mean "amount"?']);
    const open = check(calc([{ name: "t", value: "{{ input.amout }}" }], raw({})));
    expect(open.errors).toEqual([]);
    expect(open.warnings).toEqual([expect.objectContaining({ nodeId: "calc", severity: "warning", message: 'The tool input has no field "amout". Did you mean "amount"?' })]);
  });

  it("names a function's own parameters or variables hide are not the tool input", () => {
    const doc = calc([
      { name: "a", value: "{{ [1].map((input) => input.zzz) }}" },
      { name: "b", value: "{{ (function () { const input = { q: 1 }; return input.q; })() }}" },
      { name: "c", value: "{{ typeof input.maybe === 'undefined' }}" },
      { name: "d", value: "{{ { amout: 1 }.amout }}" },
    ]);
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
  });

  it("a code step's script is checked like an expression", () => {
    const doc = workflow([amountInput as never, { id: "c", type: "code", params: { source: "const k = 2;\nreturn input.amuont * k;" } }, { id: "out", type: "output", params: { value: "{{ steps.c }}" } }], [
      { from: "input", to: "c" },
      { from: "c", to: "out" },
    ]);
    expect(check(doc).errors).toEqual([expect.objectContaining({ nodeId: "c", path: "params.source", message: 'The tool input has no field "amuont". Did you mean "amount"?' })]);
  });
});

describe("references to steps", () => {
  it("a field a step's declared output cannot have is an error naming the step by its label", () => {
    const doc = workflow(
      [
        amountInput as never,
        { id: "calc", type: "set", label: "Work out the total", params: { fields: [{ name: "total", value: "{{ input.amount * 2 }}" }] } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.calc.totl }}" } },
      ],
      [
        { from: "input", to: "calc" },
        { from: "calc", to: "out" },
      ],
    );
    expect(check(doc).errors).toEqual([{ nodeId: "out", path: "params.value", message: 'The output of step "Work out the total" has no field "totl". Did you mean "total"?' }]);
  });

  it("an unknown step id, and a step that does not run before this one, are errors", () => {
    const doc = workflow(
      [
        amountInput as never,
        { id: "check", type: "if", params: { condition: "{{ input.amount > 10 }}" } },
        { id: "big", type: "set", params: { fields: [{ name: "v", value: "big" }] } },
        { id: "small", type: "set", params: { fields: [{ name: "v", value: "{{ steps.big.v }}" }, { name: "w", value: "{{ steps.bgi }}" }] } },
        { id: "out", type: "output", params: { value: "{{ steps.small }}" } },
        { id: "out2", type: "output", params: { value: "{{ steps.big }}" } },
      ],
      [
        { from: "input", to: "check" },
        { from: "check", handle: "true", to: "big" },
        { from: "check", handle: "false", to: "small" },
        { from: "small", to: "out" },
        { from: "big", to: "out2" },
      ],
    );
    expect(check(doc).errors.map((p) => [p.nodeId, p.message])).toEqual([
      ["small", 'The step "big" (Set fields) does not run before this one, so its output is empty here: connect it earlier in the flow, or use the output of a step that does.'],
      ["small", 'There is no step with the id "bgi". Did you mean "big"?'],
    ]);
  });

  it("an HTTP body is not known before a run; the last test run's output makes a warning, never an error", () => {
    const doc = workflow(
      [
        amountInput as never,
        { id: "api", type: "http", label: "Search the CRM", params: { method: "GET", url: "https://crm.example.test/c" } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ { s: steps.api.status, n: steps.api.body.data[0].nmae, h: steps.api.headers['x-id'] } }}" } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
    const seen = check(doc, { api: { status: 200, headers: {}, body: { data: [{ name: "Ada", email: "ada@example.test" }] } } });
    expect(seen.errors).toEqual([]);
    expect(seen.warnings).toEqual([
      {
        nodeId: "out",
        path: "params.value",
        severity: "warning",
        message: 'In the output of step "Search the CRM", body.data[0] has no field "nmae" in the last test run. Did you mean "name"?',
      },
    ]);
    // Its declared fields stay errors: an HTTP step has status, headers and body, nothing else.
    const statuz = workflow(
      [amountInput as never, { id: "api", type: "http", params: { method: "GET", url: "https://crm.example.test/c" } }, { id: "out", type: "output", params: { value: "{{ steps.api.statuz }}" } }],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    expect(check(statuz).errors.map((p) => p.message)).toEqual(['The output of step "api" (HTTP request) has no field "statuz". Did you mean "status"?']);
  });

  it("a step that continues on error may output { error }", () => {
    const doc = workflow(
      [
        amountInput as never,
        { id: "api", type: "http", onError: "continue", params: { method: "GET", url: "https://crm.example.test/c" } },
        { id: "out", type: "output", params: { value: "{{ steps.api.error ?? steps.api.status }}" } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "out" },
      ],
    );
    expect(check(doc).errors).toEqual([]);
  });

  it("a code step's result is known only from a test run", () => {
    const doc = workflow([amountInput as never, { id: "c", type: "code", params: { source: "return { total: 1 };" } }, { id: "out", type: "output", params: { value: "{{ steps.c.totl }}" } }], [
      { from: "input", to: "c" },
      { from: "c", to: "out" },
    ]);
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
    expect(check(doc, { c: { total: 1 } }).warnings.map((p) => p.message)).toEqual(['The output of step "c" (Code) has no field "totl" in the last test run. Did you mean "total"?']);
  });
});

describe("loop items", () => {
  const orders = { id: "input", type: "input", params: { fields: [{ name: "orders", type: "array", items: { type: "object", fields: [{ name: "price", type: "number" }, { name: "qty", type: "integer" }] } }] } };
  const loopDoc = (value: string) =>
    workflow(
      [
        orders as never,
        { id: "each", type: "loop", params: { items: "{{ input.orders }}" } },
        { id: "line", type: "set", parent: "each", params: { fields: [{ name: "total", value }] } },
        { id: "out", type: "output", params: { value: "{{ steps.each }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", handle: "body", to: "line" },
        { from: "each", to: "out" },
      ],
    );

  it("item has the shape of the list's items", () => {
    expect(check(loopDoc("{{ item.price * item.qty }}")).errors).toEqual([]);
    expect(check(loopDoc("{{ item.prcie * item.qty }}")).errors.map((p) => p.message)).toEqual(['Each item of loop "each" (Loop) has no field "prcie". Did you mean "price"?']);
  });

  it("item outside a loop is an error that says where it exists", () => {
    const doc = calc([{ name: "x", value: "{{ item }}" }]);
    expect(check(doc).errors.map((p) => p.message)).toEqual(["Only steps inside a loop have an item: move this step into the loop, or refer to the data it comes from."]);
  });
});

describe("while other things are wrong", () => {
  it("a typo shows beside the other problems, not only once they are fixed", () => {
    const doc = workflow(
      [amountInput as never, { id: "calc", type: "set", params: { fields: [{ name: "t", value: "{{ input.amout }}" }] } }, { id: "out", type: "output", params: { value: "{{ input }}" } }],
      [{ from: "input", to: "out" }],
    );
    const messages = check(doc).errors.map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining("not reachable"));
    expect(messages).toContain('The tool input has no field "amout". Did you mean "amount"?');
  });
});

describe("pickableSteps (the field picker)", () => {
  it("offers only steps that run before this one, with the fields their type declares", async () => {
    const { pickableSteps } = await import("../../runtime/model");
    const doc = workflow(
      [
        amountInput as never,
        { id: "api", type: "http", params: { method: "GET", url: "https://crm.acme.test/" } },
        { id: "calc", type: "set", params: { fields: [{ name: "total", value: "{{ 1 }}" }] } },
        { id: "later", type: "log", params: { level: "info", message: "x" } },
        { id: "out", type: "output", params: { value: "{{ steps.calc }}" } },
      ],
      [
        { from: "input", to: "api" },
        { from: "api", to: "calc" },
        { from: "calc", to: "later" },
        { from: "later", to: "out" },
      ],
    );
    const steps = pickableSteps(doc as never, "calc");
    expect(steps.map((s) => s.id).sort()).toEqual(["api", "input"]);
    expect(steps.find((s) => s.id === "api")!.fields.map((f) => `${f.path}:${f.type}`)).toEqual(["steps.api.status:number", "steps.api.headers:object", "steps.api.body:any"]);
    expect(pickableSteps(doc as never, "out").find((s) => s.id === "calc")!.fields).toEqual([{ path: "steps.calc.total", type: "any" }]);
  });
});

describe("a long workflow (the editor validates it on every change)", () => {
  /** input → s0 → … → s297 → out, each step adding one to the one before (the editor bench's 300-node chain). */
  function longChain(value: (i: number) => string = (i) => (i === 0 ? "{{ input.amount + 1 }}" : `{{ steps.s${i - 1}.v + 1 }}`)) {
    const steps = Array.from({ length: 298 }, (_, i) => ({ id: `s${i}`, type: "set", params: { fields: [{ name: "v", value: value(i) }] } }));
    const ids = ["input", ...steps.map((s) => s.id), "out"];
    return workflow([amountInput as never, ...steps, { id: "out", type: "output", params: { mode: "json", value: "{{ steps.s297 }}" } }], ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })));
  }

  it("a 300-node chain in which each step reads the one before is valid, as often as it is checked", () => {
    const doc = longChain();
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
    expect(check(doc)).toEqual({ errors: [], warnings: [] });
    expect(validateWorkflow(doc).ok).toBe(true);
  });

  it("in a 300-node chain, reading a later step or a field the step before lacks is an error on that step", () => {
    const doc = longChain((i) => (i === 0 ? "{{ input.amount + 1 }}" : i === 150 ? "{{ steps.s200.v }}" : i === 100 ? "{{ steps.s99.w }}" : `{{ steps.s${i - 1}.v + 1 }}`));
    expect(check(doc).errors.map((p) => [p.nodeId, p.message])).toEqual([
      ["s100", 'The output of step "s99" (Set fields) has no field "w". Did you mean "v"?'],
      ["s150", 'The step "s200" (Set fields) does not run before this one, so its output is empty here: connect it earlier in the flow, or use the output of a step that does.'],
    ]);
    // The steps at the far end of the chain still see the first ones.
    expect(check(longChain((i) => (i === 0 ? "{{ input.amount }}" : i === 297 ? "{{ steps.s0.v + steps.input.amount }}" : `{{ steps.s${i - 1}.v }}`))).errors).toEqual([]);
  });

  it("loops inside each other in a circle are a problem to fix, and checking the references still ends", () => {
    const doc = workflow(
      [
        amountInput as never,
        { id: "a", type: "loop", parent: "b", params: { items: "{{ input.list }}" } },
        { id: "b", type: "loop", parent: "a", params: { items: "{{ input.list }}" } },
        { id: "c", type: "set", params: { fields: [{ name: "v", value: "{{ steps.a }}" }] } },
        { id: "out", type: "output", params: { mode: "json", value: "{{ steps.c }}" } },
      ],
      [
        { from: "input", to: "a" },
        { from: "a", to: "c" },
        { from: "c", to: "out" },
      ],
    );
    const messages = check(doc).errors.map((p) => p.message);
    expect(messages).toContainEqual(expect.stringContaining('"a" is in a circle of loops inside each other'));
    expect(messages).toContainEqual(expect.stringContaining('"b" is in a circle of loops inside each other'));
  });
});
