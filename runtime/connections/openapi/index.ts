// OpenAPI import for connections (issue 15): the description side, free of storage and UI. See README.md here.
export { importDescription } from "./import";
export * from "./model";
export { DescriptionProblemSchema, type DescriptionProblem } from "./problems";
export { createOperationSearch, type OperationSearch } from "./search";
export { operationForm, type FormOptions, type OperationFormField } from "./form";
export { responseBodyShape, operationOutputShape } from "./shape";
export { draftTool, DRAFT_STEP_ID, type DraftOptions } from "./draft";
export { OperationParamsSchema, OperationArgsSchema, argKey, parseArgKey, ARG_GROUPS, type OperationParams, type OperationArgs, type ArgGroup } from "./operation-params";
export { toolNameFor, fieldNameFor } from "./names";
export { MAX_DESCRIPTION_BYTES } from "./limits";
