// The starting points offered when creating a workflow, one per use case of the product. They are the files in
// examples/templates (imported, so the Next.js bundle and the CLI carry them without reading the disk at run time).
import { nodeSecretRefs, type WorkflowInput, type WorkflowNode } from "../../runtime/model";
import { getNodeType } from "../../runtime/nodes/registry";
import crm from "../../examples/templates/crm_lookup_customer.workflow.json";
import ticket from "../../examples/templates/create_support_ticket.workflow.json";
import sales from "../../examples/templates/sales_report.workflow.json";
import policy from "../../examples/templates/find_policy_document.workflow.json";

export const TEMPLATE_IDS = ["crm_lookup", "support_ticket", "sales_report", "policy_search"] as const;
export type TemplateId = (typeof TEMPLATE_IDS)[number];

const DOCS: Record<TemplateId, { useCase: string; doc: WorkflowInput }> = {
  crm_lookup: { useCase: "Look up a customer in a CRM over HTTP", doc: crm as WorkflowInput },
  support_ticket: { useCase: "Create a support ticket", doc: ticket as WorkflowInput },
  sales_report: { useCase: "A sales report from SQL", doc: sales as WorkflowInput },
  policy_search: { useCase: "Find a policy document", doc: policy as WorkflowInput },
};

export interface TemplateSummary {
  id: TemplateId;
  useCase: string;
  name: string;
  title: string;
  description: string;
  /** Secrets the template uses by name; an owner adds them under Settings → Secrets before publishing. */
  secrets: string[];
  nodeCount: number;
}

/**
 * The secrets a template's steps use. Read from the steps rather than by compiling: a template is deliberately not
 * publishable as it stands (its example hosts are problems until the builder puts in their own system).
 */
function secretsOf(doc: WorkflowInput): string[] {
  const names = new Set<string>();
  for (const node of doc.nodes as WorkflowNode[]) {
    const descriptor = getNodeType(node.type);
    const params = descriptor?.params.safeParse(node.params);
    if (descriptor && params?.success) for (const ref of nodeSecretRefs(descriptor, node, params.data)) names.add(ref.name);
  }
  return [...names].sort();
}

let summaries: TemplateSummary[] | undefined;

export function listTemplates(): TemplateSummary[] {
  return (summaries ??= TEMPLATE_IDS.map((id) => {
    const { useCase, doc } = DOCS[id];
    return {
      id,
      useCase,
      name: doc.name,
      title: doc.title ?? doc.name,
      description: doc.description ?? "",
      secrets: secretsOf(doc),
      nodeCount: doc.nodes.length,
    };
  }));
}

/** A fresh copy of a template's document, renamed for the workflow being created. */
export function templateDraft(id: TemplateId, meta: { name: string; title?: string; description?: string }): WorkflowInput {
  const doc = structuredClone(DOCS[id].doc);
  return {
    ...doc,
    name: meta.name,
    ...(meta.title ? { title: meta.title } : {}),
    ...(meta.description ? { description: meta.description } : {}),
  };
}
