// What the tRPC router takes and returns, as the client sees it: components name these instead of re-declaring the
// shapes, so a change on the server is a type error here rather than a silent mismatch.
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "../../server/trpc/router";

export type RouterInputs = inferRouterInputs<AppRouter>;
export type RouterOutputs = inferRouterOutputs<AppRouter>;
