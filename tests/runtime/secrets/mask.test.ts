import { describe, expect, it } from "vitest";
import { createMasker, MASK } from "../../../runtime/secrets/mask";

describe("createMasker", () => {
  it("masks every occurrence in text", () => {
    const m = createMasker(["sk-live-123"]);
    expect(m.maskText("token sk-live-123 and again sk-live-123.")).toBe(`token ${MASK} and again ${MASK}.`);
    expect(MASK).toBe("••••");
  });

  it("masks deep inside objects and arrays, keys included, without mutating the input", () => {
    const m = createMasker(["hunter22", "tok-abcdef"]);
    const input = {
      url: "https://api.test/?key=hunter22",
      nested: { list: ["a", "hunter22", { deeper: "Bearer tok-abcdef" }], n: 5, ok: true, nothing: null },
      hunter22: "value under a secret key",
    };
    const snapshot = structuredClone(input);
    const masked = m.mask(input);
    expect(masked).toEqual({
      url: `https://api.test/?key=${MASK}`,
      nested: { list: ["a", MASK, { deeper: `Bearer ${MASK}` }], n: 5, ok: true, nothing: null },
      [MASK]: "value under a secret key",
    });
    expect(input).toEqual(snapshot);
    expect(masked).not.toBe(input);
    expect(masked.nested.list).not.toBe(input.nested.list);
  });

  it("masks the longest value first, so a secret containing another is hidden whole", () => {
    const m = createMasker(["abcd", "abcdefgh"]);
    expect(m.maskText("xx abcdefgh yy abcd")).toBe(`xx ${MASK} yy ${MASK}`);
  });

  it("masks the encoded forms: base64 (basic auth), URL-encoded, form-encoded and JSON-escaped", () => {
    const secret = 'al ice:p@ss/w"rd';
    const m = createMasker([secret]);
    const forms = [
      Buffer.from(secret).toString("base64"),
      encodeURIComponent(secret),
      new URLSearchParams({ k: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
    ];
    for (const form of forms) expect(m.maskText(`<${form}>`)).toBe(`<${MASK}>`);
    expect(m.maskText(JSON.stringify({ password: secret }))).toBe(`{"password":"${MASK}"}`);
  });

  it("ignores empty values and masks very short ones only as whole strings", () => {
    const m = createMasker(["", "42", undefined, null]);
    expect(m.maskText("")).toBe("");
    expect(m.maskText("answer 42")).toBe("answer 42");
    expect(m.mask({ pin: "42", text: "1420" })).toEqual({ pin: MASK, text: "1420" });
  });

  it("treats regex characters in secrets literally", () => {
    const m = createMasker(["a.b*c(d)"]);
    expect(m.maskText("a.b*c(d) axbbbc(d)")).toBe(`${MASK} axbbbc(d)`);
  });

  it("copies errors with masked messages and keeps non-plain objects as they are", () => {
    const m = createMasker(["s3cr3t!!"]);
    const error = new TypeError("failed with s3cr3t!!");
    const when = new Date(0);
    const masked = m.mask({ error, when });
    expect(masked.error).toBeInstanceOf(TypeError);
    expect(masked.error.message).toBe(`failed with ${MASK}`);
    expect(masked.error.stack).not.toContain("s3cr3t!!");
    expect(error.message).toBe("failed with s3cr3t!!");
    expect(masked.when).toBe(when);
  });

  it("handles cycles and __proto__ keys", () => {
    const m = createMasker(["secret-x"]);
    const cyclic: Record<string, unknown> = { a: "secret-x" };
    cyclic.self = cyclic;
    const masked = m.mask(cyclic);
    expect(masked.a).toBe(MASK);
    expect(masked.self).toBe(masked);
    const tricky = JSON.parse('{"__proto__": {"polluted": "secret-x"}}');
    const safe = m.mask(tricky) as Record<string, unknown>;
    expect(Object.getPrototypeOf(safe)).toBe(Object.prototype);
    expect(Object.keys(safe)).toEqual(["__proto__"]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("with no values returns text unchanged", () => {
    const m = createMasker([]);
    expect(m.maskText("anything")).toBe("anything");
    expect(m.mask(["x", { y: 1 }])).toEqual(["x", { y: 1 }]);
  });
});
