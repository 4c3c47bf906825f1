export { runWorkflow, getDefaultSandbox } from "./run";
export { checkArguments } from "./arguments";
export type { ArgumentCheck } from "./arguments";
export * from "./types";
