// Which of an operation's media types to use. A step sends JSON when the API takes it (the payload builders map
// fields into), then form encodings; it reads a response's schema only when the body is JSON.

function essence(type: string): string {
  return type.split(";")[0]!.trim().toLowerCase();
}

/** application/json, application/problem+json, application/vnd.x+json; text/json too. */
export function isJsonMediaType(type: string): boolean {
  const e = essence(type);
  return e === "application/json" || e === "text/json" || /^[a-z]+\/[^;]*\+json$/.test(e);
}

export const FORM_URLENCODED = "application/x-www-form-urlencoded";
export const MULTIPART = "multipart/form-data";

function rank(type: string): number {
  const e = essence(type);
  if (e === "application/json") return 0;
  if (isJsonMediaType(type)) return 1;
  if (e === FORM_URLENCODED) return 2;
  if (e === MULTIPART) return 3;
  return 4;
}

/** The request media type to send: JSON, then form-urlencoded, then multipart, else the first listed. */
export function chooseRequestType(types: readonly string[]): string | undefined {
  let best: string | undefined;
  for (const type of types) if (best === undefined || rank(type) < rank(best)) best = type;
  return best;
}

/** The response media type whose schema describes the step's output: a JSON one, or a catch-all that may be JSON. */
export function chooseResponseType(types: readonly string[]): string | undefined {
  return types.find((t) => essence(t) === "application/json") ?? types.find(isJsonMediaType) ?? types.find((t) => essence(t) === "*/*" || essence(t) === "application/*");
}
