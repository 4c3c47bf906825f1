// The output node's `documentLinks` (issue 16): document ids, lists of them and search results become resource_link
// parts after the result, each once, as the host describes them; an id the host does not know, a value that names no
// id, too many links, or a run without a Toolflow server fail the node with a sentence. The param is part of the file
// format: strict checking knows it and suggests it for a near miss.
import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../../runtime/model";
import type { DocumentLinker } from "../../runtime/documents/contract";
import { workflow, run } from "./helpers";

const linker: DocumentLinker = async (workspaceId, ids) =>
  ids.map((id) => (workspaceId === "ws_test" && id.startsWith("doc_") ? { uri: `toolflow://documents/${id}`, name: `${id}.pdf`, mimeType: "application/pdf" } : null));

const linking = (documentLinks: unknown, value: unknown = "done", mode = "text") =>
  workflow(
    [
      { id: "input", type: "input", params: { fields: [{ name: "ids", type: "array" }, { name: "found", type: "array" }] } },
      { id: "out", type: "output", params: { mode, value, documentLinks } },
    ],
    [{ from: "input", to: "out" }],
  );

describe("output documentLinks", () => {
  it("adds one resource_link per document, flattening lists and search results, after the content", async () => {
    const outcome = await run(
      linking(["doc_a", "{{ input.ids }}", "{{ input.found }}", ""], { n: 1 }, "json"),
      { ids: ["doc_b", "doc_a", null], found: [{ documentId: "doc_c", documentName: "c.pdf" }] },
      { linkDocuments: linker },
    );
    expect(outcome.status).toBe("ok");
    expect(outcome.result.structuredContent).toEqual({ n: 1 });
    expect(outcome.result.content).toEqual([
      { type: "text", text: '{"n":1}' },
      { type: "resource_link", uri: "toolflow://documents/doc_a", name: "doc_a.pdf", mimeType: "application/pdf" },
      { type: "resource_link", uri: "toolflow://documents/doc_b", name: "doc_b.pdf", mimeType: "application/pdf" },
      { type: "resource_link", uri: "toolflow://documents/doc_c", name: "doc_c.pdf", mimeType: "application/pdf" },
    ]);
  });

  it("fails the node plainly for an unknown id, a value without an id, too many links, or no server", async () => {
    const unknown = await run(linking(["doc_a", "elsewhere_1"]), {}, { linkDocuments: linker });
    expect(unknown).toMatchObject({ status: "error", error: { code: "node_failed" } });
    expect(unknown.error!.message).toContain('node "out": "elsewhere_1" is not a document of this workspace');

    const noId = await run(linking(["{{ input.found }}"]), { found: [{ name: "x" }] }, { linkDocuments: linker });
    expect(noId.error!.message).toContain("each document link needs a document id (or an object with a documentId)");

    const many = await run(linking(["{{ input.ids }}"]), { ids: Array.from({ length: 21 }, (_, i) => `doc_${i}`) }, { linkDocuments: linker });
    expect(many.error!.message).toContain("a result can link at most 20 documents, got 21");

    const local = await run(linking(["doc_a"]));
    expect(local.error!.message).toContain("which only a Toolflow server has");

    // Nothing to link: no host call at all, so it runs anywhere.
    expect((await run(linking(["{{ input.ids }}"]), { ids: [] })).status).toBe("ok");
  });

  it("is a known param of the file format; a near miss is a problem with a suggestion", () => {
    expect(validateWorkflow(linking(["doc_a"])).ok).toBe(true);
    const typo = workflow([{ id: "out", type: "output", params: { mode: "text", value: "x", documentLink: ["doc_a"] } }], [{ from: "input", to: "out" }]);
    const checked = validateWorkflow(typo);
    expect(checked.ok).toBe(false);
    expect(JSON.stringify(checked)).toContain('Did you mean \\"documentLinks\\"?');
    const tooMany = validateWorkflow(linking(Array.from({ length: 21 }, (_, i) => `doc_${i}`)));
    expect(tooMany.ok).toBe(false);
  });
});
