// Validation keeps what it reads out of each text (runtime/model/parse-cache.ts): once per text, and bounded.
import { describe, expect, it } from "vitest";
import { templateOf, textCache } from "../../runtime/model/parse-cache";

describe("text caches", () => {
  it("work a text out once, and again only for a different text", () => {
    const cache = textCache<number>();
    let made = 0;
    const make = () => ++made;
    expect(cache("a", make)).toBe(1);
    expect(cache("a", make)).toBe(1);
    expect(cache("b", make)).toBe(2);
    expect(made).toBe(2);
  });

  it("start again empty once the texts they hold pass their bound, so a server's memory stays bounded", () => {
    const cache = textCache<number>();
    let made = 0;
    const big = (c: string) => c.repeat(1_500_000);
    cache(big("x"), () => ++made);
    cache(big("y"), () => ++made);
    expect(cache(big("x"), () => ++made)).toBe(1); // both fit
    cache(big("z"), () => ++made); // past the bound: the others are gone
    expect(cache(big("x"), () => ++made)).toBe(4);
  });

  it("a template parsed once is the same parse the next time", () => {
    const first = templateOf("total: {{ input.amount * 2 }}");
    expect(first.parts).toEqual([
      { kind: "text", text: "total: " },
      { kind: "expr", source: "input.amount * 2", offset: 7 },
    ]);
    expect(templateOf("total: {{ input.amount * 2 }}")).toBe(first);
  });
});
