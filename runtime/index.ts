// Public surface of the runtime for the server. The app (browser) should import only `runtime/model` and
// `runtime/nodes/registry` (descriptors); everything else here needs Node and isolated-vm.
export * from "./model";
export { NODE_TYPES, getNodeType, nodeTypeNames } from "./nodes/registry";
export type { NodeDescriptor, AnyNodeDescriptor, FormField, FormFieldKind, HandleSpec, NodeCategory } from "./nodes/types";
export { compileWorkflow, CompileError, COMPILER_VERSION } from "./compiler";
export type { CompiledWorkflow } from "./compiler";
export * from "./engine";
export { SandboxManager, DEFAULT_LIMITS, LimitsSchema, PartialLimitsSchema, resolveLimits, limitMessage } from "./sandbox";
export type { Limits, PartialLimits, LimitName, SandboxOptions } from "./sandbox";
