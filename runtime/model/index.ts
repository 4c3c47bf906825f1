export * from "./workflow";
export * from "./problems";
export { validateWorkflow, outputHandles, nodeSecretRefs, expressionTemplates } from "./validate";
export type { ValidationResult, ValidationContext } from "./validate";
