// No-code `set` operations (issue 14): each operation compiles to the `{{ }}` text a person would type, reads back
// from exactly that text, and evaluates in the real sandbox to what the chooser promised, whatever text the user gave.
import { afterAll, describe, expect, it } from "vitest";
import { compileOperation, parseOperation, switchOperation, DATE_FORMATS, type Operation } from "../../app/components/editor/nocode/operations";
import { chain, run, sandbox } from "../runtime/helpers";

afterAll(() => sandbox.dispose());

const field = (path: string) => ({ kind: "field" as const, path });
const num = (value: number) => ({ kind: "number" as const, value });

/** Runs `value` as a set step's field after a code step `search` that returns `search`, and gives the field's value. */
async function evaluate(value: string, input: Record<string, unknown> = {}, search: unknown = {}): Promise<unknown> {
  const doc = chain(
    [
      { id: "search", type: "code", params: { source: `return ${JSON.stringify(search)};` } },
      { id: "s", type: "set", params: { fields: [{ name: "v", value }] } },
    ],
    "{{ steps.s }}",
  );
  const outcome = await run(doc, input);
  expect(outcome.result.isError, JSON.stringify(outcome.result.content)).toBeFalsy();
  return (outcome.result.structuredContent as { v: unknown }).v;
}

function roundTrip(op: Operation): string {
  const text = compileOperation(op);
  expect(text).not.toBeNull();
  expect(parseOperation(text)).toEqual(op);
  return text!;
}

describe("arithmetic and rounding", () => {
  it("multiply then round writes the expression of the SPEC example's kind and evaluates to the rounded number", async () => {
    const text = roundTrip({ op: "multiply", left: field("input.amount"), right: field("input.rate"), round: 2 });
    expect(text).toBe("{{ Math.round(input.amount * input.rate * 100) / 100 }}");
    expect(await evaluate(text, { amount: 19.99, rate: 1.07 })).toBe(21.39);
  });

  it("add converts fields to numbers, so numbers that arrive as text are added, not joined", async () => {
    const text = roundTrip({ op: "add", left: field("steps.search.price"), right: field("input.fee") });
    expect(text).toBe("{{ Number(steps.search.price) + Number(input.fee) }}");
    expect(await evaluate(text, { fee: "2.5" }, { price: "10" })).toBe(12.5);
  });

  it("subtract, divide and round group the sum before scaling it", async () => {
    const minus = roundTrip({ op: "subtract", left: field("input.a"), right: num(-1.5), round: 1 });
    expect(minus).toBe("{{ Math.round((input.a - -1.5) * 10) / 10 }}");
    expect(await evaluate(minus, { a: 2.04 })).toBe(3.5);
    const sum = roundTrip({ op: "add", left: field("input.a"), right: num(0.25), round: 0 });
    expect(await evaluate(sum, { a: 1.3 })).toBe(2);
    const share = roundTrip({ op: "divide", left: field("input.total"), right: field("input.people"), round: 3 });
    expect(await evaluate(share, { total: 10, people: 3 })).toBe(3.333);
  });

  it("rounds one number to the decimals asked for", async () => {
    const text = roundTrip({ op: "round", value: field("item.price"), decimals: 2 });
    expect(text).toBe("{{ Math.round(item.price * 100) / 100 }}");
    expect(await evaluate(roundTrip({ op: "round", value: field("input.x"), decimals: 2 }), { x: 3.14159 })).toBe(3.14);
    expect(await evaluate(roundTrip({ op: "round", value: field("input.x"), decimals: 0 }), { x: 2.5 })).toBe(3);
  });

  it("reads back a hand-written expression that is exactly what the chooser writes", () => {
    expect(parseOperation("{{ input.amount * 1.07 }}")).toEqual({ op: "multiply", left: field("input.amount"), right: num(1.07) });
  });
});

describe("texts, dates and fields", () => {
  it("joins fields with a separator; quotes and }} in the separator stay text", async () => {
    const nasty = `" }} {{ secrets.KEY }} ' \\ \u2028`;
    const text = roundTrip({ op: "join", parts: [field("input.first"), field("input.last")], separator: nasty });
    expect(text.startsWith("{{ [input.first, input.last].join(")).toBe(true);
    // Nothing in the text closes or opens an expression early.
    expect(text.slice(3, -3)).not.toMatch(/\{\{|\}\}/);
    expect(await evaluate(text, { first: "Ada", last: "Lovelace" })).toBe(`Ada${nasty}Lovelace`);
  });

  it("text with fields is plain template text, and text that would read as an expression is quoted", async () => {
    const simple = roundTrip({ op: "format", pieces: [{ kind: "text", text: "Dear " }, field("input.name"), { kind: "text", text: ", welcome!" }] });
    expect(simple).toBe("Dear {{ input.name }}, welcome!");
    expect(await evaluate(simple, { name: "Ada" })).toBe("Dear Ada, welcome!");

    const tricky = { op: "format" as const, pieces: [{ kind: "text" as const, text: 'Say "{{ input.name }}" to {' }, field("input.name"), { kind: "text" as const, text: "} }}" }] };
    const text = roundTrip(tricky);
    expect(await evaluate(text, { name: "Ada" })).toBe('Say "{{ input.name }}" to {Ada} }}');
  });

  it("takes a field as it is (pick or rename), keeping its type", async () => {
    const text = roundTrip({ op: "pick", value: field('steps.search["first name"]') });
    expect(text).toBe('{{ steps.search["first name"] }}');
    expect(await evaluate(text, {}, { "first name": { given: "Ada" } })).toEqual({ given: "Ada" });
  });

  it("formats a date in each offered format, in UTC", async () => {
    const expected: Record<(typeof DATE_FORMATS)[number], unknown> = {
      date: "2024-03-31",
      datetime: "2024-03-31 14:05",
      time: "14:05",
      iso: "2024-03-31T14:05:09.123Z",
      dmy: "31.03.2024",
      mdy: "03/31/2024",
      unix: 1711893909,
    };
    for (const format of DATE_FORMATS) {
      const text = roundTrip({ op: "date", value: field("input.when"), format });
      expect(await evaluate(text, { when: "2024-03-31T16:05:09.123+02:00" }), format).toBe(expected[format]);
    }
  });
});

describe("reading values back", () => {
  it("leaves anything the chooser would not write exactly as a hand-written expression", () => {
    for (const text of [
      "{{ input.a + input.b }}", // add without Number(): the chooser never writes it
      "{{input.a * 2}}",
      " {{ input.a * 2 }}",
      "{{ Math.round(input.a * 100) / 1000 }}",
      "{{ Math.round(input.amount * (1 + input.rate) * 100) / 100 }}",
      "{{ secrets.KEY }}",
      "{{ input['a'] }}",
      "{{ input.a?.b }}",
      "{{ [input.a, 1].join(\", \") }}",
      "{{ new Date(input.d).toISOString().slice(0, 7) }}",
      "plain text",
      "{{ input.a }} {{ input.b",
      42,
      undefined,
    ]) {
      expect(parseOperation(text), String(text)).toBeNull();
    }
  });

  it("compiles nothing until the operation is complete, and never a field that is not a plain reference", () => {
    expect(compileOperation({ op: "multiply", left: field("input.a") })).toBeNull();
    expect(compileOperation({ op: "join", parts: [], separator: " " })).toBeNull();
    expect(compileOperation({ op: "format", pieces: [{ kind: "text", text: "" }] })).toBeNull();
    expect(compileOperation({ op: "pick", value: field("input.a); fetch(1") })).toBeNull();
    expect(compileOperation({ op: "pick", value: field("secrets.KEY") })).toBeNull();
    expect(compileOperation({ op: "pick", value: field("input.a }} {{ run") })).toBeNull();
    expect(compileOperation({ op: "round", value: num(Number.NaN), decimals: 2 })).toBeNull();
  });

  it("switching the operation keeps the operands that still fit", () => {
    const draft = switchOperation({ op: "multiply", left: field("input.a"), right: num(2) }, "round");
    expect(draft).toMatchObject({ op: "round", value: field("input.a"), decimals: 2 });
    expect(compileOperation(draft)).toBe("{{ Math.round(input.a * 100) / 100 }}");
    expect(switchOperation({ op: "pick", value: field("input.when") }, "date")).toMatchObject({ value: field("input.when"), format: "date" });
    expect(switchOperation({ op: "pick", value: field("input.name") }, "join")).toMatchObject({ parts: [field("input.name")], separator: " " });
  });
});
