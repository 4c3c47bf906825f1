// Reading and writing one argument of an operation step (`args.<group>.<name>`, the name as the description writes
// it, dots included), and how an argument with a fixed list of values is shown.
import type { FormField } from "../../../runtime/nodes/types";

// The same key form as runtime/connections/openapi/operation-params.ts (which app/ may not import).
function parseArgKey(key: string): { group: keyof Args; name?: string } | null {
  const m = /^args\.(path|query|header|cookie|body)(?:\.([\s\S]+))?$/.exec(key);
  if (!m) return null;
  return { group: m[1] as keyof Args, ...(m[2] !== undefined ? { name: m[2] } : {}) };
}

export type Args = Partial<Record<"path" | "query" | "header" | "cookie" | "body", unknown>>;

export function argValue(args: Args, key: string): unknown {
  const k = parseArgKey(key);
  if (!k) return undefined;
  const group = args[k.group];
  if (k.name === undefined) return group;
  return group && typeof group === "object" ? (group as Record<string, unknown>)[k.name] : undefined;
}

/** The args with one value set (undefined removes it, and an emptied group goes). */
export function withArg(args: Args, key: string, value: unknown): Args {
  const k = parseArgKey(key);
  if (!k) return args;
  const next: Args = { ...args };
  if (k.name === undefined) {
    if (value === undefined) delete next[k.group];
    else next[k.group] = value;
    return next;
  }
  const prev = next[k.group];
  const group: Record<string, unknown> = prev && typeof prev === "object" && !Array.isArray(prev) ? { ...(prev as Record<string, unknown>) } : {};
  if (value === undefined) delete group[k.name];
  else group[k.name] = value;
  if (Object.keys(group).length) next[k.group] = group;
  else delete next[k.group];
  return next;
}

/** A field of an operation's form; `values`: its listed values as the description types them (numbers, booleans). */
export type ArgField = FormField & { values?: Array<string | number | boolean> };

/** What a select shows for a stored value: a typed listed value (2, true) as its option's text. */
export function shownValue(field: ArgField, value: unknown): unknown {
  return field.values && (typeof value === "number" || typeof value === "boolean") && field.values.includes(value) ? String(value) : value;
}

/** What to store for a field's new value: a chosen option of a typed list as the value it stands for (2, not "2"). */
export function storedValue(field: ArgField, value: unknown): unknown {
  if (!field.values || typeof value !== "string") return value;
  const typed = field.values.find((v) => String(v) === value);
  return typed === undefined ? value : typed;
}

/**
 * An argument with listed values is a select while its value is empty or one of them; an expression already written
 * there (a draft's `{{ input.status }}`) keeps an expression field so it is not lost.
 */
export function formForValues<F extends ArgField>(form: F[], args: Args): F[] {
  return form.map((f) => {
    if (f.kind !== "expression" || !f.options?.length) return f;
    const v = shownValue(f, argValue(args, f.key));
    return v === undefined || f.options.some((o) => o.value === v) ? { ...f, kind: "select" } : f;
  });
}
