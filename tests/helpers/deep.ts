// Values nested far deeper than any limit, built without recursion: what the nesting tests throw at the server.

/** An array nested `n` levels: [[[…0…]]]. */
export function deepArray(n: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = [v];
  return v;
}

/** An object nested `n` levels: {a:{a:{…0…}}}. */
export function deepObject(n: number): unknown {
  let v: unknown = 0;
  for (let i = 0; i < n; i++) v = { a: v };
  return v;
}
