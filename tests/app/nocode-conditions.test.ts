// Conditions from rows for the `if` step and typed case values for `switch` (issue 14): they compile to the text a
// person would type, read back from exactly that text, and take the branch they describe when run in the sandbox.
import { afterAll, describe, expect, it } from "vitest";
import { compileCaseValue, compileCondition, parseCaseValue, parseCondition, type CaseValue, type Condition } from "../../app/components/editor/nocode/conditions";
import { run, sandbox, workflow } from "../runtime/helpers";

afterAll(() => sandbox.dispose());

const field = (path: string) => ({ kind: "field" as const, path });
const num = (value: number) => ({ kind: "number" as const, value });
const text = (value: string) => ({ kind: "text" as const, value });

/** The handle an `if` step with this condition takes for `input`. */
async function branch(condition: string, input: Record<string, unknown>): Promise<string> {
  const doc = workflow(
    [
      { id: "check", type: "if", params: { condition } },
      { id: "yes", type: "output", params: { mode: "text", value: "true" } },
      { id: "no", type: "output", params: { mode: "text", value: "false" } },
    ],
    [
      { from: "input", to: "check" },
      { from: "check", handle: "true", to: "yes" },
      { from: "check", handle: "false", to: "no" },
    ],
  );
  const outcome = await run(doc, input);
  expect(outcome.result.isError, JSON.stringify(outcome.result.content)).toBeFalsy();
  return (outcome.result.content[0] as { text: string }).text;
}

function roundTrip(condition: Condition): string {
  const compiled = compileCondition(condition);
  expect(compiled).not.toBeNull();
  expect(parseCondition(compiled)).toEqual(condition);
  return compiled!;
}

describe("conditions from rows", () => {
  it("one row is the expression a person would write", async () => {
    const compiled = roundTrip({ match: "all", clauses: [{ field: "input.amount", operator: "greater", value: num(100) }] });
    expect(compiled).toBe("{{ input.amount > 100 }}");
    expect(await branch(compiled, { amount: 150 })).toBe("true");
    expect(await branch(compiled, { amount: 50 })).toBe("false");
  });

  it("all / any join the rows with && / ||", async () => {
    const all = roundTrip({
      match: "all",
      clauses: [
        { field: "input.tier", operator: "equals", value: text("gold") },
        { field: "input.amount", operator: "greaterOrEqual", value: field("input.limit") },
      ],
    });
    expect(all).toBe('{{ (input.tier === "gold") && (input.amount >= input.limit) }}');
    expect(await branch(all, { tier: "gold", amount: 10, limit: 10 })).toBe("true");
    expect(await branch(all, { tier: "gold", amount: 9, limit: 10 })).toBe("false");
    const any = roundTrip({ match: "any", clauses: [{ field: "input.tier", operator: "equals", value: text("gold") }, { field: "input.amount", operator: "less", value: num(0) }] });
    expect(await branch(any, { tier: "silver", amount: -1 })).toBe("true");
    expect(await branch(any, { tier: "silver", amount: 1 })).toBe("false");
  });

  it("text operators treat a missing field as empty text instead of failing", async () => {
    const cases: Array<[Condition["clauses"][number], Record<string, unknown>, string]> = [
      [{ field: "input.email", operator: "contains", value: text("@example.") }, { email: "ada@example.org" }, "true"],
      [{ field: "input.email", operator: "contains", value: text("@") }, {}, "false"],
      [{ field: "input.email", operator: "notContains", value: text("@") }, { email: "nobody" }, "true"],
      [{ field: "input.code", operator: "startsWith", value: text("EU-") }, { code: "EU-7" }, "true"],
      [{ field: "input.code", operator: "endsWith", value: text("-7") }, { code: "US-8" }, "false"],
      [{ field: "input.note", operator: "isEmpty" }, {}, "true"],
      [{ field: "input.note", operator: "isEmpty" }, { note: "" }, "true"],
      [{ field: "input.tags", operator: "isEmpty" }, { tags: [] }, "true"],
      [{ field: "input.note", operator: "isNotEmpty" }, { note: 0 }, "true"],
      [{ field: "input.vip", operator: "isTrue" }, { vip: true }, "true"],
      [{ field: "input.vip", operator: "isFalse" }, { vip: "false" }, "false"],
      [{ field: "input.n", operator: "notEquals", value: num(3) }, { n: 3 }, "false"],
      [{ field: "input.n", operator: "lessOrEqual", value: num(3) }, { n: 3 }, "true"],
    ];
    for (const [clause, input, expected] of cases) {
      const compiled = roundTrip({ match: "all", clauses: [clause] });
      expect(await branch(compiled, input), `${compiled} with ${JSON.stringify(input)}`).toBe(expected);
    }
  });

  it("quotes and }} in a compared text stay text", async () => {
    const nasty = `a" }} {{ 1 }} \\"`;
    const compiled = roundTrip({ match: "all", clauses: [{ field: "input.s", operator: "equals", value: text(nasty) }] });
    expect(compiled.slice(3, -3)).not.toMatch(/\{\{|\}\}/);
    expect(await branch(compiled, { s: nasty })).toBe("true");
    expect(await branch(compiled, { s: "a" })).toBe("false");
  });

  it("leaves other expressions as they are written, and compiles nothing for an unfinished row", () => {
    for (const value of [
      "{{ input.amount > 100 && input.b }}",
      "{{ (input.a > 1) && (input.b > 2) || (input.c > 3) }}",
      "{{ input.amount>100 }}",
      "{{ 100 < input.amount }}",
      "{{ input.vip === 'yes' }}",
      "{{ input.s.includes('x') }}",
      "{{ input.a == 1 }}",
      "{{ input.flag }}",
      "input.amount > 100",
      true,
    ]) {
      expect(parseCondition(value), String(value)).toBeNull();
    }
    expect(compileCondition({ match: "all", clauses: [{ operator: "equals", field: "input.a" }] })).toBeNull();
    expect(compileCondition({ match: "all", clauses: [{ operator: "isEmpty" }] })).toBeNull();
    expect(compileCondition({ match: "any", clauses: [] })).toBeNull();
    // A unary row ignores a value left over from the operator chosen before.
    expect(compileCondition({ match: "all", clauses: [{ field: "input.a", operator: "isEmpty", value: num(1) }] })).toBe('{{ String(input.a ?? "") === "" }}');
  });
});

describe("switch case values", () => {
  async function handle(value: string, cases: Array<{ equals: unknown; handle: string }>, input: Record<string, unknown>) {
    const doc = workflow(
      [
        { id: "pick", type: "switch", params: { value, cases } },
        { id: "out", type: "output", params: { mode: "text", value: "{{ steps.pick.handle }}" } },
      ],
      [
        { from: "input", to: "pick" },
        ...[...new Set([...cases.map((c) => c.handle), "default"])].map((h) => ({ from: "pick", handle: h, to: "out" })),
      ],
    );
    const outcome = await run(doc, input);
    return (outcome.result.content[0] as { text: string }).text;
  }

  it("a number case matches a number, where the same digits as text would not", async () => {
    const hundred = compileCaseValue(num(100));
    expect(hundred).toBe("{{ 100 }}");
    expect(await handle("{{ input.n }}", [{ equals: hundred, handle: "hundred" }], { n: 100 })).toBe("hundred");
    expect(await handle("{{ input.n }}", [{ equals: "100", handle: "hundred" }], { n: 100 })).toBe("default");
  });

  it("round-trips every kind and keeps text that looks like an expression as text", async () => {
    const values: CaseValue[] = [text("gold"), num(-2.5), { kind: "boolean", value: false }, field("input.expected"), text("{{ input.n }}")];
    for (const value of values) {
      const compiled = compileCaseValue(value);
      expect(parseCaseValue(compiled), JSON.stringify(value)).toEqual(value);
    }
    expect(compileCaseValue(text("gold"))).toBe("gold");
    const literal = compileCaseValue(text("{{ input.n }}"))!;
    expect(await handle("{{ input.s }}", [{ equals: literal, handle: "same" }], { s: "{{ input.n }}", n: 1 })).toBe("same");
    expect(parseCaseValue("")).toEqual(text(""));
    expect(parseCaseValue(undefined)).toEqual(text(""));
    expect(parseCaseValue("{{ input.n + 1 }}")).toBeNull();
    expect(parseCaseValue(100)).toBeNull();
  });
});
