// How deep JSON data may nest, and helpers that measure, cut and serialise deep data without recursion.
//
// ajv, zod, structuredClone, JSON.stringify and the MCP SDK all recurse, and Node's JSON.stringify overflows the stack
// at a few thousand levels (measured on Node 20: 1,000 fine, 5,000 "Maximum call stack size exceeded"), while a program
// in the sandbox can build 100,000 levels for free. JSON.parse is iterative in V8 (a 1,000,000-deep array parses fine),
// so parsing is safe; everything that walks the parsed value is not. Values are therefore measured here before anything
// recursive sees them, and everything the host keeps is cut to a bounded depth.

/**
 * Deepest nesting allowed in tool arguments, tool results and host replies (HTTP/SQL data entering the sandbox).
 * 100 is far beyond real tool data (API payloads and forms rarely pass 20 levels) and far below where any recursive
 * library on the path runs out of stack, even when called from an already deep stack. The value itself is level 1:
 * `{}` is 1 level, `{"a": [1]}` is 2.
 */
export const MAX_NESTING_DEPTH = 100;

/**
 * Depth at which whatever the host keeps (masked copies, run records, trace values) is cut. Above the limit with
 * room for the wrappers records put around an allowed value (outcome → trace → node → output), so an allowed value is
 * never cut, and still serialisable by every recursive library.
 */
export const MAX_KEPT_DEPTH = MAX_NESTING_DEPTH + 20;

/** What replaces a part nested deeper than `max` levels in a kept copy. */
export function nestedMarker(max: number): string {
  return `[nested deeper than ${max} levels]`;
}

function isContainer(value: unknown): value is object {
  if (value === null || typeof value !== "object") return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Nesting depth of a value (plain objects and arrays; anything else is a leaf). Iterative; stops as soon as it is
 * known to be above `stopAbove`, so a hostile value costs at most that many levels of work per branch.
 */
export function valueDepth(value: unknown, stopAbove = Infinity): number {
  if (!isContainer(value)) return 0;
  // The deepest level each object was reached at: shared or cyclic references are walked again only when reached
  // deeper, so a DAG costs at most (objects × levels) instead of every path through it.
  const reached = new Map<object, number>();
  const stack: Array<[object, number]> = [[value, 1]];
  let max = 0;
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) max = depth;
    if (max > stopAbove) return max;
    const before = reached.get(node);
    if (before !== undefined && before >= depth) continue;
    reached.set(node, depth);
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) if (isContainer(child)) stack.push([child, depth + 1]);
  }
  return max;
}

/** Whether `value` nests deeper than `max` levels. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  return valueDepth(value, max) > max;
}

/**
 * Nesting depth of JSON text, counted on the text itself (brackets inside strings do not count), without parsing.
 * Stops once above `stopAbove`. Works on any text: malformed JSON gets a depth too, and is refused later by the parser.
 */
export function jsonTextDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      // Jump to the closing quote: one that is not escaped by an odd run of backslashes.
      for (;;) {
        const close = text.indexOf('"', i + 1);
        if (close < 0) return max;
        let slashes = 0;
        for (let k = close - 1; k > i && text.charCodeAt(k) === 92 /* \ */; k--) slashes++;
        i = close;
        if (slashes % 2 === 0) break;
      }
    } else if (c === 91 /* [ */ || c === 123 /* { */) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > stopAbove) return max;
      }
    } else if (c === 93 /* ] */ || c === 125 /* } */) {
      depth--;
    }
  }
  return max;
}

export interface CopyOptions {
  /** Containers at a deeper level than this are replaced by {@link nestedMarker}. */
  maxDepth: number;
  /** Applied to every string value and object key (masking); identity by default. */
  mapString?: (text: string) => string;
}

/**
 * A deep copy of plain data (objects, arrays, Errors' own properties) without recursion, with parts deeper than
 * `maxDepth` replaced by a marker. Strings and keys go through `mapString`; other objects (Dates, Buffers, class
 * instances) are kept as they are. Shared references stay shared and cycles stay cycles. Never mutates the input.
 */
export function copyBounded(value: unknown, options: CopyOptions): unknown {
  const mapString = options.mapString ?? ((s: string) => s);
  const marker = nestedMarker(options.maxDepth);
  const copies = new WeakMap<object, unknown>();
  // Each task copies one source object into its (already created) copy; children are queued as further tasks.
  const tasks: Array<{ source: object; copy: Record<string, unknown> | unknown[]; depth: number }> = [];

  const enter = (item: unknown, depth: number): unknown => {
    if (typeof item === "string") return mapString(item);
    if (item === null || typeof item !== "object") return item;
    const known = copies.get(item);
    if (known !== undefined) return known;
    const isError = item instanceof Error;
    if (!isError && !isContainer(item)) return item;
    if (depth > options.maxDepth) return marker;
    let copy: Record<string, unknown> | unknown[];
    if (Array.isArray(item)) copy = [];
    else if (isError) copy = Object.create(Object.getPrototypeOf(item)) as Record<string, unknown>;
    else copy = Object.getPrototypeOf(item) === null ? (Object.create(null) as Record<string, unknown>) : {};
    copies.set(item, copy);
    tasks.push({ source: item, copy, depth });
    return copy;
  };

  const root = enter(value, 1);
  while (tasks.length > 0) {
    const { source, copy, depth } = tasks.pop()!;
    if (Array.isArray(source)) {
      const target = copy as unknown[];
      for (let i = 0; i < source.length; i++) target.push(enter(source[i], depth + 1));
    } else if (source instanceof Error) {
      // Errors carry their text in non-enumerable own properties (message, stack), so those are copied explicitly.
      for (const key of Object.getOwnPropertyNames(source)) {
        const descriptor = Object.getOwnPropertyDescriptor(source, key)!;
        if ("value" in descriptor) descriptor.value = enter(descriptor.value, depth + 1);
        Object.defineProperty(copy, mapString(key), descriptor);
      }
    } else {
      const target = copy as Record<string, unknown>;
      for (const key of Object.keys(source)) {
        const name = mapString(key);
        const item = enter((source as Record<string, unknown>)[key], depth + 1);
        // defineProperty for "__proto__" (assignment would replace the prototype); plain assignment, much faster, otherwise.
        if (name === "__proto__") Object.defineProperty(target, name, { value: item, enumerable: true, writable: true, configurable: true });
        else target[name] = item;
      }
    }
  }
  return root;
}

/** `value` itself when it is within `maxDepth` levels, else a copy with the deeper parts replaced by a marker. */
export function clampDepth<T>(value: T, maxDepth: number): T {
  return nestsDeeperThan(value, maxDepth) ? (copyBounded(value, { maxDepth }) as T) : value;
}

/**
 * JSON.stringify that cannot throw: parts deeper than `maxDepth` become a marker first, and a value that still cannot
 * be serialised (a cycle, a BigInt, a throwing toJSON) becomes `{"unserializable": "<why>"}`.
 */
export function stringifyBounded(value: unknown, maxDepth = MAX_KEPT_DEPTH): string | undefined {
  try {
    return JSON.stringify(clampDepth(value, maxDepth));
  } catch (error) {
    return JSON.stringify({ unserializable: error instanceof Error ? error.message.slice(0, 200) : "not JSON data" });
  }
}

/** JSON.parse (iterative in V8, so safe on any depth) with parts deeper than `maxDepth` cut; throws on bad JSON. */
export function parseBounded(text: string, maxDepth: number): unknown {
  const value: unknown = JSON.parse(text);
  return jsonTextDepth(text, maxDepth) > maxDepth ? copyBounded(value, { maxDepth }) : value;
}
