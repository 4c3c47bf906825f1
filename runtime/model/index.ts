export * from "./workflow";
export * from "./problems";
export { validateWorkflow, outputHandles, nodeSecretRefs, expressionTemplates } from "./validate";
export { pickableSteps } from "./references";
export type { ValidationResult, ValidationContext } from "./validate";
