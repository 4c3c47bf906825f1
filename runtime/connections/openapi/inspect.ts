// One bounded walk over the description as written, before the parser sees it: its size once YAML aliases are
// expanded, its depth, aliases that loop back on themselves, and every `$ref` — references outside the description are
// refused (a stranger's description must not make the server fetch an address or read a file), references inside it
// must lead somewhere. Iterative, so no description can overflow the stack here.
import { MAX_DESCRIPTION_BYTES, MAX_DESCRIPTION_DEPTH, MAX_DESCRIPTION_VALUES, MAX_PROBLEMS } from "./limits";
import { pointerPath, placeName } from "./places";
import { problemAt, type DescriptionProblem } from "./problems";
import { megabytes } from "./read-source";

interface Frame {
  value: unknown;
  key: string | number | null;
  parent: Frame | null;
  depth: number;
}

function pathOf(frame: Frame): Array<string | number> {
  const path: Array<string | number> = [];
  for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) path.push(f.key);
  return path.reverse();
}

function isAncestor(frame: Frame, value: object): boolean {
  for (let f: Frame | null = frame.parent; f; f = f.parent) if (f.value === value) return true;
  return false;
}

/** What a `#/…` pointer is missing, or null when it leads to a value. */
function missingStep(root: unknown, steps: string[]): { at: string[]; name: string } | null {
  let current: unknown = root;
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i]!;
    let next: unknown;
    if (Array.isArray(current)) next = /^\d+$/.test(step) ? current[Number(step)] : undefined;
    else if (current !== null && typeof current === "object" && Object.hasOwn(current, step)) next = (current as Record<string, unknown>)[step];
    if (next === undefined) return { at: steps.slice(0, i), name: step };
    current = next;
  }
  return null;
}

function checkReference(ref: string, frame: Frame, root: unknown, cache: Map<string, string | null>): DescriptionProblem | null {
  if (!ref.startsWith("#")) {
    return problemAt(
      pathOf(frame),
      `the reference "${ref.length > 200 ? `${ref.slice(0, 200)}…` : ref}" points outside the description. Toolflow does not fetch addresses or read files a description names, so copy what it refers to into the description and refer to it with "#/…".`,
    );
  }
  let missing = cache.get(ref);
  if (missing === undefined) {
    const steps = pointerPath(ref);
    // `#name` fragments are anchors (`$anchor`, OpenAPI 3.1); the parser resolves those itself.
    const gap = steps ? missingStep(root, steps) : null;
    missing = gap ? `there is no "${gap.name}" in ${gap.at.length ? placeName(gap.at) : "the description's top level"}` : null;
    cache.set(ref, missing);
  }
  return missing ? problemAt(pathOf(frame), `the reference "${ref}" points to nothing: ${missing}.`) : null;
}

export function inspectDescription(root: unknown): DescriptionProblem[] {
  const problems: DescriptionProblem[] = [];
  const cache = new Map<string, string | null>();
  const seen = new Set<object>();
  const stack: Frame[] = [{ value: root, key: null, parent: null, depth: 1 }];
  let values = 0;
  let bytes = 0;
  while (stack.length > 0 && problems.length < MAX_PROBLEMS) {
    const frame = stack.pop()!;
    const value = frame.value;
    values++;
    if (values > MAX_DESCRIPTION_VALUES) {
      problems.push(problemAt(undefined, `the description holds more than ${MAX_DESCRIPTION_VALUES.toLocaleString("en-US")} values (counting each part a YAML alias repeats); leave out the parts you do not need.`));
      break;
    }
    if (typeof value === "string") bytes += value.length + 2;
    else bytes += 4;
    if (bytes > MAX_DESCRIPTION_BYTES) {
      problems.push(problemAt(undefined, `the description holds more than the ${megabytes(MAX_DESCRIPTION_BYTES)} of data Toolflow reads (counting each part a YAML alias repeats); leave out the parts of the API you do not need and import it again.`));
      break;
    }
    if (value === null || typeof value !== "object") {
      if (typeof value === "function" || typeof value === "symbol" || typeof value === "bigint") {
        problems.push(problemAt(pathOf(frame), `this is a ${typeof value}, which a description cannot hold; use JSON values only.`));
      }
      continue;
    }
    if (seen.has(value)) {
      // A YAML alias (or an object given twice): fine unless it contains itself.
      if (isAncestor(frame, value)) {
        problems.push(problemAt(pathOf(frame), "this part contains itself (a YAML alias to one of its own parents), so it never ends; write the repeated part out or refer to it with $ref."));
        continue;
      }
    } else seen.add(value);
    if (frame.depth > MAX_DESCRIPTION_DEPTH) {
      problems.push(problemAt(pathOf(frame), `the description nests more than ${MAX_DESCRIPTION_DEPTH} levels deep here; no real API needs that, so it is not read.`));
      continue;
    }
    const depth = frame.depth + 1;
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: frame, depth });
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      problems.push(problemAt(pathOf(frame), "this is not plain JSON data (a class instance, date or buffer); give the description as JSON or YAML values."));
      continue;
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record);
    for (const key of keys) {
      bytes += key.length + 3;
      if (key === "__proto__") {
        problems.push(problemAt(pathOf(frame), 'the name "__proto__" cannot be used in a description; rename it.'));
      }
    }
    if (typeof record.$ref === "string") {
      const problem = checkReference(record.$ref, frame, root, cache);
      if (problem) problems.push(problem);
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      if (key !== "__proto__") stack.push({ value: record[key], key, parent: frame, depth });
    }
  }
  return problems.slice(0, MAX_PROBLEMS);
}
