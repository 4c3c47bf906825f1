// What the parameter builder writes when a person edits choices (issue 16): titled options and multiple choice, in the
// keys the strict file format accepts, and nothing left behind that the form no longer shows.
import { describe, expect, it } from "vitest";
import { validateWorkflow } from "../../runtime/model";
import { findUnknownKeys } from "../../runtime/model/unknown-keys";
import { getNodeType } from "../../runtime/nodes/registry";
import { ParamFieldSchema, type ParamField } from "../../runtime/nodes/fields";
import { choicesOf, itemTypesFor, parseCount, parseValues, patchField, setChoices, typesFor, withTitles } from "../../app/components/editor/param-fields";
import { setPath, withoutHidden } from "../../app/components/editor/graph";
import { workflow } from "../runtime/helpers";

const askUser = getNodeType("ask_user")!;

describe("parameter builder edits", () => {
  it("titles on turns values into options titled by their value, and off again", () => {
    const plain: ParamField = { name: "size", type: "enum", values: ["s", "m"] };
    const titled = withTitles(plain, true);
    expect(titled).toEqual({ name: "size", type: "enum", options: [{ value: "s", title: "s" }, { value: "m", title: "m" }] });
    const renamed = setChoices(titled, [{ value: "s", title: "Small" }, { value: "m", title: "Medium" }, { value: "l", title: "Large" }]);
    expect(renamed.options).toEqual([{ value: "s", title: "Small" }, { value: "m", title: "Medium" }, { value: "l", title: "Large" }]);
    expect(withTitles(renamed, false)).toEqual({ name: "size", type: "enum", values: ["s", "m", "l"] });
    expect(choicesOf(plain)).toEqual([{ value: "s", title: "s" }, { value: "m", title: "m" }]);
  });

  it("values are numbers only when all are, and always text in an elicitation form", () => {
    expect(parseValues("1, 2")).toEqual([1, 2]);
    expect(parseValues("1, 2", true)).toEqual(["1", "2"]);
    expect(parseValues("1, b")).toEqual(["1", "b"]);
    expect(parseValues(" , ")).toBeUndefined();
    expect(setChoices({ name: "n", type: "enum" }, [{ value: "1", title: "One" }], true).options).toEqual([{ value: "1", title: "One" }]);
    expect(setChoices({ name: "n", type: "enum" }, [{ value: "1", title: "One" }]).options).toEqual([{ value: 1, title: "One" }]);
    expect(parseCount("2")).toBe(2);
    expect(parseCount("-1")).toBeUndefined();
    expect(parseCount("")).toBeUndefined();
  });

  it("changing a type drops what belonged to the old one; a list in a form becomes a multiple choice", () => {
    const list: ParamField = { name: "tags", type: "array", items: { type: "enum", options: [{ value: "a", title: "A" }] }, minItems: 1, maxItems: 2 };
    expect(patchField(list, { type: "string" })).toEqual({ name: "tags", type: "string" });
    expect(patchField({ name: "c", type: "enum", options: [{ value: "a", title: "A" }] }, { type: "boolean" })).toEqual({ name: "c", type: "boolean" });
    expect(patchField({ name: "l", type: "string" }, { type: "array" }, true)).toEqual({ name: "l", type: "array", items: { type: "enum", values: ["option1"] } });
    expect(patchField({ name: "l", type: "string" }, { type: "array" })).toEqual({ name: "l", type: "array" });
    expect(typesFor(true)).not.toContain("object");
    expect(itemTypesFor(true)).toEqual(["enum"]);
    expect(itemTypesFor(false)).toContain("enum");
    expect(askUser.form.find((f) => f.kind === "paramBuilder")?.flat).toBe(true);
    expect(getNodeType("input")!.form.find((f) => f.kind === "paramBuilder")?.flat).toBeUndefined();
  });

  it("whatever the builder writes is a valid field with no unknown key", () => {
    const written: ParamField[] = [
      patchField(setChoices(withTitles({ name: "plan", type: "enum", values: ["pro"] }, true), [{ value: "pro", title: "Pro" }], true), { default: "pro" }, true),
      patchField({ name: "regions", type: "string" }, { type: "array", minItems: 1, maxItems: 2 }, true),
    ];
    for (const field of written) {
      expect(ParamFieldSchema.safeParse(field).success).toBe(true);
      expect(findUnknownKeys(ParamFieldSchema, field)).toEqual([]);
    }
    const doc = workflow(
      [
        { id: "ask", type: "ask_user", params: { message: "Which?", fields: written } },
        { id: "out", type: "output", params: { value: "{{ steps.ask }}" } },
      ],
      [
        { from: "input", to: "ask" },
        { from: "ask", to: "out", handle: "accept" },
      ],
    );
    expect(validateWorkflow(doc).ok).toBe(true);
  });

  it("an edit that hides a field removes its value: switching ask_user to a web page, or back to a form", () => {
    const form = askUser.form;
    const asForm = { message: "Sign in", fields: [{ name: "x", type: "string" }] };
    const toUrl = withoutHidden(form, asForm, setPath(asForm, "mode", "url"));
    expect(toUrl).toEqual({ message: "Sign in", mode: "url" });
    const withUrl = { ...toUrl, url: "https://a.test/" };
    expect(withoutHidden(form, withUrl, setPath(withUrl, "mode", "form"))).toEqual({ message: "Sign in", mode: "form" });
    // An edit that hides nothing keeps every value.
    expect(withoutHidden(form, asForm, setPath(asForm, "message", "Hi"))).toEqual({ message: "Hi", fields: asForm.fields });
    // The same for any node type: a body left on a GET request would fail every call.
    const http = getNodeType("http")!.form;
    const post = { method: "POST", url: "https://a.test", body: { a: 1 } };
    expect(withoutHidden(http, post, setPath(post, "method", "GET"))).toEqual({ method: "GET", url: "https://a.test" });
  });
});

describe("titles on an enum with no choices yet", () => {
  it("starts with one choice to fill in", () => {
    expect(withTitles({ name: "plan", type: "enum" }, true)).toEqual({ name: "plan", type: "enum", options: [{ value: "option1", title: "Option 1" }] });
  });
});
