// Every node type the runtime knows. A new node type is one file in this folder plus one line here.
import type { AnyNodeDescriptor } from "./types";
import { inputNode } from "./input";
import { httpNode } from "./http";
import { setNode } from "./set";
import { codeNode } from "./code";
import { ifNode } from "./if";
import { switchNode } from "./switch";
import { loopNode } from "./loop";
import { mergeNode } from "./merge";
import { sqlNode } from "./sql";
import { callNode } from "./call";
import { logNode } from "./log";
import { progressNode } from "./progress";
import { askUserNode } from "./ask_user";
import { askModelNode } from "./ask_model";
import { waitNode } from "./wait";
import { outputNode } from "./output";
import { errorNode } from "./error";
import { searchDocumentsNode } from "./search_documents";
import { operationNode } from "./operation";

export const NODE_TYPES: readonly AnyNodeDescriptor[] = [
  inputNode,
  httpNode,
  operationNode,
  setNode,
  codeNode,
  ifNode,
  switchNode,
  loopNode,
  mergeNode,
  sqlNode,
  searchDocumentsNode,
  callNode,
  logNode,
  progressNode,
  askUserNode,
  askModelNode,
  waitNode,
  outputNode,
  errorNode,
] as AnyNodeDescriptor[];

const BY_TYPE = new Map(NODE_TYPES.map((d) => [d.type, d]));

export function getNodeType(type: string): AnyNodeDescriptor | undefined {
  return BY_TYPE.get(type);
}

export function nodeTypeNames(): string[] {
  return NODE_TYPES.map((d) => d.type);
}
