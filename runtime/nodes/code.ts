import { z } from "zod";
import { parse } from "acorn";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { SCOPE_NAMES } from "../expressions/emit";

const params = z.object({ source: z.string().min(1, "write the JavaScript to run (it must `return` the output)") });

/** The exact wrapper the compiler uses: the body must parse inside it and must not close it early. */
export function wrapCode(source: string): string {
  return `async function (${SCOPE_NAMES.join(", ")}) {\n${source}\n}`;
}

function checkSource(source: string): string | null {
  const wrapped = `(${wrapCode(source)})`;
  try {
    const program = parse(wrapped, { ecmaVersion: "latest", sourceType: "script" });
    // A body like `}); evil(); (function(){` parses too, but as several statements: reject anything but the one function.
    const only = program.body.length === 1 ? program.body[0] : undefined;
    if (!only || only.type !== "ExpressionStatement" || only.expression.type !== "FunctionExpression" || only.end !== wrapped.length) {
      return "the code closes its function early (unbalanced braces)";
    }
    return null;
  } catch (error) {
    return (error as Error).message.replace(/\((\d+):(\d+)\)/, (_m, line: string, col: string) => `(line ${Number(line) - 1}, column ${col})`);
  }
}

export const codeNode = defineNode({
  type: "code",
  category: "data",
  label: "Code",
  icon: "M8 7l-5 5 5 5M16 7l5 5-5 5M14 4l-4 16",
  initialParams: { source: "return { ok: true };" },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Your JavaScript, run in the sandbox as the body of an async function. Its return value is the output.",
  params,
  rawParams: ["source"],
  form: [
    {
      key: "source",
      kind: "code",
      language: "javascript",
      label: "JavaScript",
      required: true,
      default: "return { ok: true };",
      help: "In scope: input, steps, item, index, secrets, run. `await` works; there is no network, file or timer access.",
    },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "Whatever the code returns (JSON data)." },
  scriptSources: (p) => [p.source],
  check(p) {
    const problem = checkSource(p.source);
    return problem ? [{ path: "source", message: `the code does not parse: ${problem}` }] : [];
  },
  compile({ params: p }) {
    const names = SCOPE_NAMES.map((n) => `scope.${n}`).join(", ");
    // `this` is undefined inside user code: it gets the scope and nothing else from the runtime.
    return `const f = ${wrapCode(p.source)};\nreturn await f.call(undefined, ${names});`;
  },
});
