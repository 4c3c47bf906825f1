export { SandboxManager, WorkspacePool, IsolateHandle, SandboxLease, SandboxCancelled, sandboxOptionsFromEnv } from "./pool";
export type { SandboxOptions } from "./pool";
export { executeProgram } from "./execute";
export type { HostDispatcher, ProgramOutput } from "./execute";
export { LimitsSchema, PartialLimitsSchema, DEFAULT_LIMITS, resolveLimits, limitMessage } from "./limits";
export type { Limits, PartialLimits, LimitName, LimitSource, ResolvedLimits } from "./limits";
