// The `set` step's no-code operations: a value built by choosing an operation and its operands compiles to the same
// `{{ }}` expression a person would type into the value, so the workflow file stays `toolflow.workflow/v1`. Reading a
// value back gives the operation only when the value is exactly what `compileOperation` writes for it; anything else
// stays a hand-written expression.
import { z } from "zod";
import { isFieldPath, numberOf, numberText, parseJs, quote, refKeys, refText, splitTemplate, stringOf, unwrap, wrap, type AnyNode } from "./paths";

const FieldPath = z.string().refine(isFieldPath, "choose a field");
export const FieldOperand = z.object({ kind: z.literal("field"), path: FieldPath });
export const NumberOperand = z.object({ kind: z.literal("number"), value: z.number() });
/** A number for arithmetic: a field or a number typed in. */
export const NumericOperand = z.discriminatedUnion("kind", [FieldOperand, NumberOperand]);
export type NumericOperand = z.infer<typeof NumericOperand>;
export type FieldOperand = z.infer<typeof FieldOperand>;

export const ARITHMETIC = ["add", "subtract", "multiply", "divide"] as const;
const Decimals = z.number().int().min(0).max(6);

export const DATE_FORMATS = ["date", "datetime", "time", "iso", "dmy", "mdy", "unix"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];
/** What each date format writes, for the chooser (all in UTC: the sandbox's clock zone is not the caller's). */
export const DATE_FORMAT_LABELS: Record<DateFormat, string> = {
  date: "2024-03-31 (year-month-day)",
  datetime: "2024-03-31 14:05 (UTC)",
  time: "14:05 (UTC)",
  iso: "2024-03-31T14:05:00.000Z (ISO)",
  dmy: "31.03.2024 (day.month.year)",
  mdy: "03/31/2024 (month/day/year)",
  unix: "1711893900 (seconds since 1970)",
};

export const FormatPiece = z.discriminatedUnion("kind", [z.object({ kind: z.literal("text"), text: z.string() }), FieldOperand]);
export type FormatPiece = z.infer<typeof FormatPiece>;

export const Operation = z.discriminatedUnion("op", [
  z.object({ op: z.enum(ARITHMETIC), left: NumericOperand, right: NumericOperand, round: Decimals.optional() }),
  z.object({ op: z.literal("round"), value: NumericOperand, decimals: Decimals }),
  z.object({ op: z.literal("join"), parts: z.array(FieldOperand).min(1), separator: z.string() }),
  z.object({ op: z.literal("format"), pieces: z.array(FormatPiece).min(1) }),
  z.object({ op: z.literal("date"), value: FieldOperand, format: z.enum(DATE_FORMATS) }),
  z.object({ op: z.literal("pick"), value: FieldOperand }),
]);
export type Operation = z.infer<typeof Operation>;
export type OperationKind = Operation["op"];

export const OPERATION_LABELS: Record<OperationKind, string> = {
  add: "Add two numbers",
  subtract: "Subtract a number",
  multiply: "Multiply two numbers",
  divide: "Divide a number",
  round: "Round a number",
  join: "Join texts with a separator",
  format: "Text with fields in it",
  date: "Format a date",
  pick: "Take a field as it is",
};

/**
 * What the chooser edits: every slot any operation has, so switching from "multiply" to "add" keeps the operands. An
 * operation is complete when it passes `Operation`; until then it compiles to nothing.
 */
export interface OperationDraft {
  op: OperationKind;
  left?: NumericOperand;
  right?: NumericOperand;
  round?: number;
  value?: NumericOperand;
  decimals?: number;
  parts?: FieldOperand[];
  separator?: string;
  pieces?: FormatPiece[];
  format?: DateFormat;
}

function operand(o: NumericOperand): string {
  return o.kind === "field" ? o.path : numberText(o.value);
}

const SIGN: Record<(typeof ARITHMETIC)[number], string> = { add: "+", subtract: "-", multiply: "*", divide: "/" };

function arithmetic(op: (typeof ARITHMETIC)[number], left: NumericOperand, right: NumericOperand): string {
  // `+` joins texts when either side is one (a number that came from a web page or a form), so adding converts fields.
  const side = (o: NumericOperand) => (op === "add" && o.kind === "field" ? `Number(${o.path})` : operand(o));
  return `${side(left)} ${SIGN[op]} ${side(right)}`;
}

/** `Math.round(x * 100) / 100`: halves round up; the factor is written out so the expression reads plainly. */
function rounded(source: string, decimals: number, grouped: boolean): string {
  if (decimals === 0) return `Math.round(${source})`;
  const factor = 10 ** decimals;
  return `Math.round(${grouped ? `(${source})` : source} * ${factor}) / ${factor}`;
}

const DATE_SOURCE: Record<DateFormat, (x: string) => string> = {
  date: (x) => `new Date(${x}).toISOString().slice(0, 10)`,
  datetime: (x) => `new Date(${x}).toISOString().slice(0, 16).replace("T", " ")`,
  time: (x) => `new Date(${x}).toISOString().slice(11, 16)`,
  iso: (x) => `new Date(${x}).toISOString()`,
  dmy: (x) => `new Date(${x}).toISOString().replace(/^(\\d+)-(\\d+)-(\\d+).*$/, "$3.$2.$1")`,
  mdy: (x) => `new Date(${x}).toISOString().replace(/^(\\d+)-(\\d+)-(\\d+).*$/, "$2/$3/$1")`,
  unix: (x) => `Math.floor(new Date(${x}).getTime() / 1000)`,
};

/**
 * A text piece written as plain template text, unless the runtime would read it as the start of an expression (`{{`
 * inside it, or a `{` right before a field's `{{`): then it goes in as a quoted string inside `{{ }}`.
 */
function formatText(pieces: FormatPiece[]): string {
  const merged: FormatPiece[] = [];
  for (const piece of pieces) {
    const last = merged[merged.length - 1];
    if (piece.kind === "text" && last?.kind === "text") merged[merged.length - 1] = { kind: "text", text: last.text + piece.text };
    else if (piece.kind !== "text" || piece.text !== "") merged.push(piece);
  }
  return merged
    .map((piece, i) => {
      if (piece.kind === "field") return wrap(piece.path);
      const unsafe = piece.text.includes("{{") || (piece.text.endsWith("{") && i < merged.length - 1);
      return unsafe ? wrap(quote(piece.text)) : piece.text;
    })
    .join("");
}

/** The param value for a complete operation, or null while the draft is missing something. */
export function compileOperation(draft: OperationDraft | Operation): string | null {
  const parsed = Operation.safeParse(draft);
  if (!parsed.success) return null;
  const op = parsed.data;
  switch (op.op) {
    case "add":
    case "subtract":
    case "multiply":
    case "divide": {
      const source = arithmetic(op.op, op.left, op.right);
      return wrap(op.round === undefined ? source : rounded(source, op.round, op.op === "add" || op.op === "subtract"));
    }
    case "round":
      return wrap(rounded(operand(op.value), op.decimals, false));
    case "join":
      return wrap(`[${op.parts.map((p) => p.path).join(", ")}].join(${quote(op.separator)})`);
    case "format": {
      const text = formatText(op.pieces);
      return text === "" ? null : text;
    }
    case "date":
      return wrap(DATE_SOURCE[op.format](op.value.path));
    case "pick":
      return wrap(op.value.path);
  }
}

function fieldOf(node: AnyNode | null): FieldOperand | null {
  const keys = refKeys(node);
  return keys ? { kind: "field", path: refText(keys) } : null;
}

function numericOf(node: AnyNode | null): NumericOperand | null {
  const n = numberOf(node);
  return n !== null ? { kind: "number", value: n } : fieldOf(node);
}

/** `Number(x)` → x (how `add` writes a field). */
function unNumber(node: AnyNode): AnyNode | null {
  const callee = node.callee as AnyNode | undefined;
  return node.type === "CallExpression" && callee?.type === "Identifier" && callee.name === "Number" && (node.arguments as AnyNode[]).length === 1 ? (node.arguments as AnyNode[])[0]! : null;
}

function isMath(node: AnyNode, name: string): boolean {
  const callee = node.callee as AnyNode | undefined;
  return (
    node.type === "CallExpression" &&
    callee?.type === "MemberExpression" &&
    !callee.computed &&
    (callee.object as AnyNode).type === "Identifier" &&
    (callee.object as AnyNode).name === "Math" &&
    (callee.property as AnyNode).name === name &&
    (node.arguments as AnyNode[]).length === 1
  );
}

type Arithmetic = Extract<Operation, { op: (typeof ARITHMETIC)[number] }>;

function arithmeticOf(node: AnyNode): Arithmetic | null {
  if (node.type !== "BinaryExpression") return null;
  const op = (Object.keys(SIGN) as Array<(typeof ARITHMETIC)[number]>).find((k) => SIGN[k] === node.operator);
  if (!op) return null;
  const side = (n: AnyNode) => (op === "add" && unNumber(n) ? fieldOf(unNumber(n)) : numericOf(n));
  const left = side(node.left as AnyNode);
  const right = side(node.right as AnyNode);
  return left && right ? { op, left, right } : null;
}

/** `Math.round(E)` or `Math.round(E * F) / F`: the inner expression and the decimals. */
function roundOf(node: AnyNode): { inner: AnyNode; decimals: number } | null {
  if (isMath(node, "round")) return { inner: (node.arguments as AnyNode[])[0]!, decimals: 0 };
  if (node.type !== "BinaryExpression" || node.operator !== "/") return null;
  const call = node.left as AnyNode;
  const factor = numberOf(node.right as AnyNode);
  if (!isMath(call, "round") || factor === null) return null;
  const product = (call.arguments as AnyNode[])[0]!;
  if (product.type !== "BinaryExpression" || product.operator !== "*" || numberOf(product.right as AnyNode) !== factor) return null;
  const decimals = Math.round(Math.log10(factor));
  return 10 ** decimals === factor ? { inner: product.left as AnyNode, decimals } : null;
}

function candidate(source: string): Operation | null {
  const node = parseJs(source);
  if (!node) return null;
  const field = fieldOf(node);
  if (field) return { op: "pick", value: field };
  const round = roundOf(node);
  if (round) {
    const inner = arithmeticOf(round.inner);
    if (inner) return { ...inner, round: round.decimals };
    const value = numericOf(round.inner);
    if (value) return { op: "round", value, decimals: round.decimals };
  }
  const sum = arithmeticOf(node);
  if (sum) return sum;
  // `[a, b].join(sep)`
  const callee = node.callee as AnyNode | undefined;
  if (node.type === "CallExpression" && callee?.type === "MemberExpression" && (callee.property as AnyNode).name === "join" && (callee.object as AnyNode).type === "ArrayExpression") {
    const parts = ((callee.object as AnyNode).elements as AnyNode[]).map(fieldOf);
    const separator = stringOf((node.arguments as AnyNode[])[0] ?? null);
    if (parts.length && parts.every((p) => p !== null) && separator !== null) return { op: "join", parts: parts as FieldOperand[], separator };
  }
  // Dates: the one `new Date(x)` inside, then each format is tried (the text comparison below decides).
  let found: FieldOperand | null = null;
  const visit = (n: AnyNode) => {
    if (n.type === "NewExpression" && (n.callee as AnyNode).type === "Identifier" && (n.callee as AnyNode).name === "Date" && (n.arguments as AnyNode[]).length === 1) {
      found = fieldOf((n.arguments as AnyNode[])[0]!);
      return;
    }
    for (const value of Object.values(n)) {
      for (const child of Array.isArray(value) ? value : [value]) if (child && typeof child === "object" && typeof (child as AnyNode).type === "string") visit(child as AnyNode);
    }
  };
  visit(node);
  const date: FieldOperand | null = found;
  if (date) {
    const format = DATE_FORMATS.find((f) => DATE_SOURCE[f]((date as FieldOperand).path) === source);
    if (format) return { op: "date", value: date, format };
  }
  return null;
}

function formatOf(value: string): Operation | null {
  const parts = splitTemplate(value);
  if (!parts) return null;
  const pieces: FormatPiece[] = [];
  for (const part of parts) {
    if (part.kind === "text") {
      pieces.push({ kind: "text", text: part.text });
      continue;
    }
    const node = parseJs(part.source);
    const text = stringOf(node);
    const field = fieldOf(node);
    if (text !== null) pieces.push({ kind: "text", text });
    else if (field) pieces.push(field);
    else return null;
  }
  // A lone field is "take a field"; a format has text or several fields.
  if (!pieces.some((p) => p.kind === "field") || pieces.length < 2) return null;
  return { op: "format", pieces };
}

/** The operation a param value was built with, or null when it is not exactly what the builder writes. */
export function parseOperation(value: unknown): Operation | null {
  if (typeof value !== "string") return null;
  const inner = unwrap(value);
  const op = inner !== null ? candidate(inner) : formatOf(value);
  if (!op) return null;
  return compileOperation(op) === value ? op : null;
}

/** A draft with the slots a newly chosen operation needs, keeping what the previous one had. */
export function switchOperation(draft: OperationDraft, op: OperationKind): OperationDraft {
  const next: OperationDraft = { ...draft, op };
  const firstField = draft.left?.kind === "field" ? draft.left : draft.value?.kind === "field" ? draft.value : draft.parts?.[0];
  if (op === "round" && !next.value) next.value = draft.left;
  if ((op === "date" || op === "pick") && !next.value && firstField) next.value = firstField;
  if ((ARITHMETIC as readonly string[]).includes(op) && !next.left && draft.value) next.left = draft.value;
  if (op === "round" && next.decimals === undefined) next.decimals = 2;
  if (op === "join") {
    next.parts ??= firstField ? [firstField] : [];
    next.separator ??= " ";
  }
  if (op === "format") next.pieces ??= firstField ? [firstField] : [{ kind: "text", text: "" }];
  if (op === "date") next.format ??= "date";
  return next;
}

/** The draft an existing operation is edited as. */
export function draftOf(op: Operation): OperationDraft {
  return { ...op } as OperationDraft;
}
