// The workflow document module: everything the editor does to a `toolflow.workflow/v1` document, free of React so it
// can be tested alone. The editor's `useWorkflowDocument` hook holds the state and calls these.
export * from "./commands";
export * from "./history";
export * from "./canvas";
export * from "./layout";
export * from "./scope";
export * from "./staleness";
export { insertIntoFlow } from "./wiring";
