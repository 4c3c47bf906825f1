export { parseTemplate, checkExpression, collectTemplates, hasTemplate } from "./template";
export type { ParsedTemplate, TemplatePart } from "./template";
export { emitTemplate, emitValue, jsString, jsLiteral, SCOPE_NAMES } from "./emit";
export { secretReferences } from "./secrets";
