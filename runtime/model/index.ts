export * from "./workflow";
export * from "./problems";
export { IconSchema, IconsSchema, iconSourceProblem, ICON_MIME_TYPES, MAX_ICON_DATA_URI, MAX_ICONS, MAX_ICONS_TOTAL, type Icon } from "./icons";
export { validateWorkflow, outputHandles, nodeSecretRefs, expressionTemplates } from "./validate";
export { pickableSteps } from "./references";
export type { DeclaredShapes } from "./references";
export type { ValidationResult, ValidationContext } from "./validate";
