// Conditions from rows (field, operator, value; all or any of them) for the `if` step, and typed case values for the
// `switch` step. Both compile to the `{{ }}` text a person would type into the same param and read back only what they
// write themselves, exactly; everything else stays a hand-written expression.
import { z } from "zod";
import { FieldOperand, NumberOperand } from "./operations";
import { isFieldPath, numberOf, numberText, parseJs, quote, refKeys, refText, stringOf, unwrap, wrap, type AnyNode } from "./paths";

export const TextOperand = z.object({ kind: z.literal("text"), value: z.string() });
/** What a field is compared with: another field, a number or a text. */
export const CompareOperand = z.discriminatedUnion("kind", [FieldOperand, NumberOperand, TextOperand]);
export type CompareOperand = z.infer<typeof CompareOperand>;

export const OPERATORS = ["equals", "notEquals", "greater", "greaterOrEqual", "less", "lessOrEqual", "contains", "notContains", "startsWith", "endsWith", "isEmpty", "isNotEmpty", "isTrue", "isFalse"] as const;
export type Operator = (typeof OPERATORS)[number];
export const OPERATOR_LABELS: Record<Operator, string> = {
  equals: "is equal to",
  notEquals: "is not equal to",
  greater: "is greater than",
  greaterOrEqual: "is at least",
  less: "is less than",
  lessOrEqual: "is at most",
  contains: "contains",
  notContains: "does not contain",
  startsWith: "starts with",
  endsWith: "ends with",
  isEmpty: "is empty",
  isNotEmpty: "is not empty",
  isTrue: "is true",
  isFalse: "is false",
};
/** Operators that look at the field alone. */
export const UNARY: readonly Operator[] = ["isEmpty", "isNotEmpty", "isTrue", "isFalse"];

export const Clause = z
  .object({ field: z.string().refine(isFieldPath, "choose a field"), operator: z.enum(OPERATORS), value: CompareOperand.optional() })
  .refine((c) => UNARY.includes(c.operator) || c.value !== undefined, "give a value to compare with");
export type Clause = z.infer<typeof Clause>;
export const Condition = z.object({ match: z.enum(["all", "any"]), clauses: z.array(Clause).min(1) });
export type Condition = z.infer<typeof Condition>;

/** What the rows edit before every row is complete. */
export interface ClauseDraft {
  field?: string;
  operator: Operator;
  value?: CompareOperand;
}
export interface ConditionDraft {
  match: "all" | "any";
  clauses: ClauseDraft[];
}

const COMPARE: Partial<Record<Operator, string>> = { equals: "===", notEquals: "!==", greater: ">", greaterOrEqual: ">=", less: "<", lessOrEqual: "<=" };
const TEXT_METHOD: Partial<Record<Operator, string>> = { contains: "includes", startsWith: "startsWith", endsWith: "endsWith" };

function operandText(o: CompareOperand): string {
  return o.kind === "field" ? o.path : o.kind === "number" ? numberText(o.value) : quote(o.value);
}

/** The field as text, with a missing one as "" (so "contains" on an empty field is false instead of an error). */
const asText = (field: string) => `String(${field} ?? "")`;

function clauseText(c: Clause): string {
  const compare = COMPARE[c.operator];
  if (compare) return `${c.field} ${compare} ${operandText(c.value!)}`;
  switch (c.operator) {
    case "contains":
    case "startsWith":
    case "endsWith":
      return `${asText(c.field)}.${TEXT_METHOD[c.operator]}(${operandText(c.value!)})`;
    case "notContains":
      return `!${asText(c.field)}.includes(${operandText(c.value!)})`;
    // An empty list reads as "" too.
    case "isEmpty":
      return `${asText(c.field)} === ""`;
    case "isNotEmpty":
      return `${asText(c.field)} !== ""`;
    case "isTrue":
      return `${c.field} === true`;
    default:
      return `${c.field} === false`;
  }
}

/** The condition param for complete rows, or null while a row is missing its field or value. */
export function compileCondition(draft: ConditionDraft | Condition): string | null {
  const parsed = Condition.safeParse({ ...draft, clauses: draft.clauses.map((c) => (UNARY.includes(c.operator) ? { field: c.field, operator: c.operator } : c)) });
  if (!parsed.success) return null;
  const { clauses, match } = parsed.data;
  if (clauses.length === 1) return wrap(clauseText(clauses[0]!));
  return wrap(clauses.map((c) => `(${clauseText(c)})`).join(match === "all" ? " && " : " || "));
}

function fieldPath(node: AnyNode | null): string | null {
  const keys = refKeys(node);
  return keys ? refText(keys) : null;
}

function compareOperandOf(node: AnyNode | null): CompareOperand | null {
  const n = numberOf(node);
  if (n !== null) return { kind: "number", value: n };
  const s = stringOf(node);
  if (s !== null) return { kind: "text", value: s };
  const path = fieldPath(node);
  return path ? { kind: "field", path } : null;
}

/** `String(x ?? "")` → x's path. */
function textOf(node: AnyNode): string | null {
  const callee = node.callee as AnyNode | undefined;
  if (node.type !== "CallExpression" || callee?.type !== "Identifier" || callee.name !== "String") return null;
  const arg = (node.arguments as AnyNode[])[0];
  if ((node.arguments as AnyNode[]).length !== 1 || arg?.type !== "LogicalExpression" || arg.operator !== "??" || stringOf(arg.right as AnyNode) !== "") return null;
  return fieldPath(arg.left as AnyNode);
}

function clauseOf(node: AnyNode): Clause | null {
  if (node.type === "UnaryExpression" && node.operator === "!") {
    const inner = clauseOf(node.argument as AnyNode);
    return inner?.operator === "contains" ? { ...inner, operator: "notContains" } : null;
  }
  if (node.type === "CallExpression" && (node.callee as AnyNode).type === "MemberExpression") {
    const callee = node.callee as AnyNode;
    const field = textOf(callee.object as AnyNode);
    const operator = (Object.keys(TEXT_METHOD) as Operator[]).find((k) => TEXT_METHOD[k] === (callee.property as AnyNode).name);
    const value = compareOperandOf((node.arguments as AnyNode[])[0] ?? null);
    return field && operator && value && (node.arguments as AnyNode[]).length === 1 ? { field, operator, value } : null;
  }
  if (node.type !== "BinaryExpression") return null;
  const left = node.left as AnyNode;
  const right = node.right as AnyNode;
  const text = textOf(left);
  if (text && stringOf(right) === "" && (node.operator === "===" || node.operator === "!==")) return { field: text, operator: node.operator === "===" ? "isEmpty" : "isNotEmpty" };
  const field = fieldPath(left);
  if (!field) return null;
  if (node.operator === "===" && right.type === "Literal" && typeof right.value === "boolean") return { field, operator: right.value ? "isTrue" : "isFalse" };
  const operator = (Object.keys(COMPARE) as Operator[]).find((k) => COMPARE[k] === node.operator);
  const value = compareOperandOf(right);
  return operator && value ? { field, operator, value } : null;
}

/** The rows a condition param was built from, or null when it is not exactly what `compileCondition` writes. */
export function parseCondition(value: unknown): Condition | null {
  const inner = unwrap(value);
  const node = inner === null ? null : parseJs(inner);
  if (!node) return null;
  let condition: Condition | null = null;
  if (node.type === "LogicalExpression" && (node.operator === "&&" || node.operator === "||")) {
    const operator = node.operator;
    const clauses: AnyNode[] = [];
    const flatten = (n: AnyNode) => {
      if (n.type === "LogicalExpression" && n.operator === operator) {
        flatten(n.left as AnyNode);
        flatten(n.right as AnyNode);
      } else clauses.push(n);
    };
    flatten(node);
    const read = clauses.map(clauseOf);
    if (read.every((c) => c !== null)) condition = { match: operator === "&&" ? "all" : "any", clauses: read as Clause[] };
  } else {
    const clause = clauseOf(node);
    if (clause) condition = { match: "all", clauses: [clause] };
  }
  return condition && compileCondition(condition) === value ? condition : null;
}

// ---- switch case values ------------------------------------------------------------------------------------------

/** A `switch` case's value: text as written, a number or yes/no (compared with ===, so "100" is not 100), or a field. */
export const CaseValue = z.discriminatedUnion("kind", [TextOperand, NumberOperand, z.object({ kind: z.literal("boolean"), value: z.boolean() }), FieldOperand]);
export type CaseValue = z.infer<typeof CaseValue>;

/** The case's param: undefined for empty text (no value), null while the value is not complete (no field chosen). */
export function compileCaseValue(draft: CaseValue): string | undefined | null {
  const parsed = CaseValue.safeParse(draft);
  if (!parsed.success) return null;
  const value = parsed.data;
  switch (value.kind) {
    case "text":
      // Plain text is its own value; text that would read as an expression goes in quoted.
      if (value.value === "") return undefined;
      return value.value.includes("{{") ? wrap(quote(value.value)) : value.value;
    case "number":
      return wrap(numberText(value.value));
    case "boolean":
      return wrap(String(value.value));
    case "field":
      return wrap(value.path);
  }
}

export function parseCaseValue(value: unknown): CaseValue | null {
  // No value yet (a new case holds ""): empty text, which writes no value.
  if (value === undefined || value === "") return { kind: "text", value: "" };
  if (typeof value !== "string") return null;
  let read: CaseValue | null = null;
  const inner = unwrap(value);
  if (inner === null) read = { kind: "text", value };
  else {
    const node = parseJs(inner);
    const n = numberOf(node);
    const s = stringOf(node);
    const path = fieldPath(node);
    if (n !== null) read = { kind: "number", value: n };
    else if (s !== null) read = { kind: "text", value: s };
    else if (node?.type === "Literal" && typeof node.value === "boolean") read = { kind: "boolean", value: node.value };
    else if (path) read = { kind: "field", path };
  }
  return read && compileCaseValue(read) === value ? read : null;
}
