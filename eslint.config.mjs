import { readFileSync, readdirSync } from "node:fs";
import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// The node type names, read from the node files (`defineNode({ type: "…"`), so the rule below knows a new type without
// a second list to keep in step.
const nodesDir = new URL("./runtime/nodes/", import.meta.url);
export const NODE_TYPE_NAMES = readdirSync(nodesDir)
  .filter((file) => file.endsWith(".ts"))
  .flatMap((file) => /defineNode\(\{\s*type:\s*"([^"]+)"/.exec(readFileSync(new URL(file, nodesDir), "utf8"))?.slice(1) ?? []);
const nodeTypeName = `/^(${NODE_TYPE_NAMES.join("|")})$/`;
const byTypeMessage =
  "Decide from the node's descriptor (getNodeType(type): onErrorApplies, allowedInLoop, containsSteps, initialParams, form…), not by its type name: adding a node type must need no change in app/.";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
    },
  },
  // The folders' boundaries (SPEC §1), so the one-way flow editor → tRPC → services and MCP → runtime stays true.
  {
    files: ["app/**/*.{ts,tsx}"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^(\\.\\./)+server/(?!auth/limits$)",
              allowTypeImports: true,
              message: "app/ may import server/ types only (SPEC §1): values reach the browser through tRPC, so Next.js never bundles server code.",
            },
            {
              regex: "^(\\.\\./)+runtime/(?!model(/|$)|nodes/)",
              message: "app/ may import the runtime's model and node descriptors only (SPEC §1).",
            },
          ],
        },
      ],
    },
  },
  // A node's `.type` compared with a node type's name (either side, `?.` too, or a `case` of a switch on it). Other
  // `.type`s (param types, MCP content blocks, React Flow changes) have names no node type has, so they pass.
  {
    files: ["app/**/*.{ts,tsx}"],
    ignores: [
    ],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...[
          `BinaryExpression[operator=/^[!=]==?$/][left.property.name="type"][right.value=${nodeTypeName}]`,
          `BinaryExpression[operator=/^[!=]==?$/][left.expression.property.name="type"][right.value=${nodeTypeName}]`,
          `BinaryExpression[operator=/^[!=]==?$/][right.property.name="type"][left.value=${nodeTypeName}]`,
          `BinaryExpression[operator=/^[!=]==?$/][right.expression.property.name="type"][left.value=${nodeTypeName}]`,
          `SwitchStatement[discriminant.property.name="type"] > SwitchCase[test.value=${nodeTypeName}]`,
          `SwitchStatement[discriminant.expression.property.name="type"] > SwitchCase[test.value=${nodeTypeName}]`,
        ].map((selector) => ({ selector, message: byTypeMessage })),
      ],
    },
  },
  {
    files: ["server/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ regex: "^((\\.\\./)+app/|react(-dom)?(/|$)|next(/|$))", message: "server/ does not depend on the app's pages or React (SPEC §1)." }] },
      ],
    },
  },
  {
    files: ["runtime/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              regex: "^((\\.\\./)+(server|app)/|next(/|$)|react(-dom)?(/|$)|@trpc/|@prisma/)",
              message: "runtime/ stands alone: no Next.js, React or tRPC, and storage only through its own interface (SPEC §1).",
            },
          ],
        },
      ],
    },
  },
  globalIgnores([".next/**", "dist/**", "node_modules/**", "server/db/generated/**", "prisma/.derived/**", "test-results/**", "data/**", "next-env.d.ts"]),
]);
