import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

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
