export { compileWorkflow, CompileError, COMPILER_VERSION } from "./compile";
export type { CompiledWorkflow } from "./compile";
