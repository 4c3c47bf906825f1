import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../../runtime/model";
import { NODE_TYPES, getNodeType } from "../../runtime/nodes/registry";
import { workflow } from "./helpers";

// SPEC §4, `operation` of SPEC §13 (connections) and §14's search_documents.
const SPEC_TYPES = ["input", "http", "set", "code", "if", "switch", "loop", "merge", "sql", "call", "log", "progress", "ask_user", "ask_model", "wait", "output", "error", "operation", "search_documents"];

describe("node registry", () => {
  it("lists exactly the node types of SPEC §4 and §14", () => {
    expect(NODE_TYPES.map((d) => d.type).sort()).toEqual([...SPEC_TYPES].sort());
  });

  it.each(SPEC_TYPES)("%s has a complete descriptor", (type) => {
    const d = getNodeType(type)!;
    expect(d.label.length).toBeGreaterThan(0);
    expect(d.description.length).toBeGreaterThan(10);
    expect(d.output.description.length).toBeGreaterThan(0);
    expect(d.form.length).toBeGreaterThan(0);
    for (const field of d.form) {
      expect(field.label.length).toBeGreaterThan(0);
      if (field.kind === "select") expect(field.options?.length).toBeGreaterThan(0);
    }
    expect(typeof d.compile).toBe("function");
  });

  it("declares the handles of SPEC §4", () => {
    const outputs = (type: string, params: unknown = {}) => getNodeType(type)!.handles.outputs(params).map((h) => h.handle);
    expect(outputs("if")).toEqual(["true", "false"]);
    expect(outputs("switch", { cases: [{ equals: 1, handle: "one" }] })).toEqual(["one", "default"]);
    expect(outputs("ask_user")).toEqual(["accept", "decline", "cancel"]);
    expect(outputs("set")).toEqual([null]);
    expect(outputs("output")).toEqual([]);
    expect(getNodeType("input")!.handles.acceptsInput).toBe(false);
  });
});

/** Commands of an SVG path and how many numbers each takes. */
const PATH_ARGS: Record<string, number> = { M: 2, L: 2, H: 1, V: 1, C: 6, S: 4, Q: 4, T: 2, A: 7, Z: 0 };

/** The end points a path's pen moves to, or the reason it is not a path. Arcs and curves count by their end points. */
function penPoints(d: string): Array<[number, number]> | string {
  const tokens = d.match(/[A-Za-z]|-?(?:\d+\.?\d*|\.\d+)/g) ?? [];
  if (tokens.join("").replace(/-/g, "") !== d.replace(/[\s,-]/g, "")) return "has characters that are neither commands nor numbers";
  if (!/^[Mm]$/.test(tokens[0] ?? "")) return "does not start with a move (M)";
  const points: Array<[number, number]> = [];
  let x = 0, y = 0, startX = 0, startY = 0, i = 0;
  while (i < tokens.length) {
    const cmd = tokens[i++]!;
    const upper = cmd.toUpperCase();
    if (!(upper in PATH_ARGS)) return `unknown command ${cmd}`;
    const count = PATH_ARGS[upper]!;
    const args: number[] = [];
    while (i < tokens.length && !/[A-Za-z]/.test(tokens[i]!)) args.push(Number(tokens[i++]));
    if (count === 0) {
      if (args.length) return `${cmd} takes no numbers`;
      [x, y] = [startX, startY];
      continue;
    }
    if (args.length === 0 || args.length % count !== 0) return `${cmd} got ${args.length} numbers, not a multiple of ${count}`;
    const rel = cmd !== upper;
    for (let k = 0; k < args.length; k += count) {
      const a = args.slice(k, k + count);
      if (upper === "H") x = rel ? x + a[0]! : a[0]!;
      else if (upper === "V") y = rel ? y + a[0]! : a[0]!;
      else [x, y] = rel ? [x + a[count - 2]!, y + a[count - 1]!] : [a[count - 2]!, a[count - 1]!];
      if (upper === "M" && k === 0) [startX, startY] = [x, y];
      points.push([x, y]);
    }
  }
  return points;
}

/** The zod issues of params that are only "fill this in": a required form field that is still missing or empty. */
function unfilledOnly(type: string, params: Record<string, unknown>, issues: Array<{ path: PropertyKey[] }>) {
  const d = getNodeType(type)!;
  return issues.every((issue) => {
    const key = issue.path.map(String).join(".");
    const field = d.form.find((f) => f.key === key);
    const value = params[key];
    return !!field?.required && (value === undefined || value === "");
  });
}

describe("what node descriptors tell the editor", () => {
  it("checks paths the way the icon test relies on", () => {
    expect(penPoints("M3 12h11M10 8l4 4-4 4")).toEqual([[3, 12], [14, 12], [10, 8], [14, 12], [10, 16]]);
    expect(penPoints("M4 6a8 3 0 1 0 16 0z")).toEqual([[4, 6], [20, 6]]);
    expect(penPoints("L3 4")).toMatch(/move/);
    expect(penPoints("M3 4 5")).toMatch(/multiple of 2/);
    expect(penPoints("M3 4<script>")).toMatch(/neither/);
  });

  it.each(SPEC_TYPES)("%s has a 24×24 icon path", (type) => {
    const points = penPoints(getNodeType(type)!.icon);
    expect(Array.isArray(points) ? "" : points).toBe("");
    for (const [x, y] of points as Array<[number, number]>) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(24);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(24);
    }
  });

  it("gives every type its own icon", () => {
    expect(new Set(NODE_TYPES.map((d) => d.icon)).size).toBe(NODE_TYPES.length);
  });

  // A new step may be incomplete (no URL yet), but only in the fields a person must fill in: anything else wrong with
  // the starting params would be a problem nobody can fix by filling in the form.
  it.each(SPEC_TYPES)("%s starts with params that are valid or only wait to be filled in", (type) => {
    const d = getNodeType(type)!;
    const params = d.initialParams as Record<string, unknown>;
    const parsed = d.params.safeParse(structuredClone(params));
    if (parsed.success) expect(d.check?.(parsed.data) ?? []).toEqual([]);
    else expect(unfilledOnly(type, params, parsed.error.issues), JSON.stringify(parsed.error.issues)).toBe(true);
  });

  it("starts the types without required fields complete", () => {
    const complete = NODE_TYPES.filter((d) => d.params.safeParse(d.initialParams).success).map((d) => d.type);
    expect(complete.sort()).toEqual(["code", "input", "merge", "output", "set", "wait"]);
  });

  it("starts a new HTTP request without a credential", () => {
    expect(getNodeType("http")!.initialParams).not.toHaveProperty("auth");
  });

  it("knows which steps the On error setting applies to", () => {
    for (const d of NODE_TYPES) expect(typeof d.onErrorApplies).toBe("boolean");
    expect(NODE_TYPES.filter((d) => !d.onErrorApplies).map((d) => d.type).sort()).toEqual(["error", "input", "output"]);
  });

  // The flags say what the validator does: a step of each type placed inside a loop, and a step placed inside one of each.
  it.each(SPEC_TYPES)("%s says whether it may sit inside a loop, as the validator does", (type) => {
    const d = getNodeType(type)!;
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [] } },
        { id: "each", type: "loop", params: { items: "{{ [1] }}" } },
        { id: "x", type, parent: "each", params: d.initialParams as Record<string, unknown> },
        { id: "out", type: "output", params: { value: "{{ steps.each }}" } },
      ],
      [
        { from: "input", to: "each" },
        { from: "each", to: "x", handle: "body" },
        { from: "each", to: "out" },
      ],
    );
    const r = validateWorkflow(doc);
    const refused = !r.ok && r.problems.some((p) => p.nodeId === "x" && p.path === "parent");
    expect(typeof d.allowedInLoop).toBe("boolean");
    expect(refused).toBe(!d.allowedInLoop);
  });

  it.each(SPEC_TYPES)("%s says whether steps may sit inside it, as the validator does", (type) => {
    const d = getNodeType(type)!;
    const doc = workflow(
      [
        { id: "input", type: "input", params: { fields: [] } },
        ...(type === "input" ? [] : [{ id: "holder", type, params: d.initialParams as Record<string, unknown> }]),
        { id: "x", type: "set", parent: type === "input" ? "input" : "holder", params: { fields: [] } },
      ],
      [],
    );
    const r = validateWorkflow(doc);
    const refused = !r.ok && r.problems.some((p) => p.nodeId === "x" && p.path === "parent" && /not a loop/.test(p.message));
    expect(typeof d.containsSteps).toBe("boolean");
    expect(refused).toBe(!d.containsSteps);
  });
});

describe("the app's rule against deciding by node type name", () => {
  const lint = async (code: string) => {
    const eslint = new ESLint({ cwd: process.cwd() });
    const [result] = await eslint.lintText(code, { filePath: "app/components/probe.ts" });
    return result!.messages.filter((m) => m.ruleId === "no-restricted-syntax").map((m) => m.line);
  };

  it("flags a comparison with every node type's name, and not other `.type`s", async () => {
    const lines = [
      "declare const node: { type: string }; declare const list: Array<{ type: string }>;",
      ...SPEC_TYPES.map((t, i) => (i % 2 ? `export const n${i} = node.type === "${t}";` : `export const n${i} = "${t}" !== list[0]?.type;`)),
      'export const field = node.type === "object" || node.type === "text" || node.type === "position";',
      'export function pick() { switch (node.type) { case "loop": return 1; case "string": return 2; } }',
    ];
    const flagged = await lint(lines.join("\n"));
    expect(flagged).toEqual([...SPEC_TYPES.map((_, i) => i + 2), SPEC_TYPES.length + 3]);
  }, 60_000);
});
