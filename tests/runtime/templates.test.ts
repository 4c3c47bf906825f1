// The workflow templates offered to new users (issue 7): each is a valid file, compiles, and names its secrets
// without containing any value. The policy search reads the workspace's own documents, so it needs no secret.
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { compileWorkflow } from "../../runtime/compiler";
import { validateWorkflow } from "../../runtime/model";

const dir = resolve(import.meta.dirname, "../../examples/templates");
const files = readdirSync(dir).filter((f) => f.endsWith(".workflow.json"));
const SECRETS: Record<string, string[]> = {
  "crm_lookup_customer.workflow.json": ["CRM_TOKEN"],
  "create_support_ticket.workflow.json": ["HELPDESK_TOKEN"],
  "sales_report.workflow.json": ["SALES_DB_URL"],
  "find_policy_document.workflow.json": [],
};

describe("workflow templates", () => {
  it("cover the four use cases", () => {
    expect(files.sort()).toEqual(Object.keys(SECRETS).sort());
  });

  it.each(files)("%s is valid once its example hosts are replaced, compiles, and names exactly the secrets it needs", (file) => {
    const text = readFileSync(join(dir, file), "utf8");
    // As shipped, every HTTP step calls a placeholder host: that is the only problem, one per such step.
    const shipped = validateWorkflow(JSON.parse(text), { secretNames: SECRETS[file] });
    const httpSteps = (JSON.parse(text) as { nodes: Array<{ type: string }> }).nodes.filter((n) => n.type === "http").length;
    expect(shipped.ok ? [] : shipped.problems.map((p) => p.message)).toEqual(Array.from({ length: httpSteps }, () => expect.stringMatching(/still uses the example host "\w+\.example\.com"/)));
    const doc = JSON.parse(text.replace(/([a-z]+)\.example\.com/g, "$1.acme-corp.test"));
    const result = validateWorkflow(doc, { secretNames: SECRETS[file] });
    expect(result.ok ? [] : result.problems).toEqual([]);
    const compiled = compileWorkflow(doc);
    expect(compiled.secretNames).toEqual(SECRETS[file]);
    expect(compiled.inputSchema).toMatchObject({ type: "object" });
    // Without the secret in the workspace, validation says which one to add.
    const missing = validateWorkflow(doc, { secretNames: [] });
    expect(missing.ok).toBe(!SECRETS[file]!.length);
    if (SECRETS[file]!.length) expect(JSON.stringify(missing)).toContain(SECRETS[file]![0]);
  });
});
