// Operation ids a workflow file can record. The description's own when it has one; otherwise one made from the method
// and path (`GET /contacts/{id}` → `get_contacts_id`), which stays the same as long as the operation does. Repeats get
// a suffix (`_2`) in document order.
import type { HttpMethod } from "./model";

export function generatedOperationId(method: HttpMethod, path: string): string {
  const words = path
    .split("/")
    .map((segment) => segment.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+/g, "_").replace(/^_+|_+$/g, "").toLowerCase())
    .filter(Boolean);
  return [method.toLowerCase(), ...(words.length ? words : ["root"])].join("_");
}

/** Hands out unique ids: the description's first, then generated ones that avoid them all. */
export class OperationIds {
  private readonly used = new Set<string>();
  private readonly declared: Set<string>;

  constructor(declared: Iterable<string>) {
    this.declared = new Set(declared);
  }

  /** `base`, or `base_2`, `base_3`… — never a name the description gives another operation. */
  private suffixed(base: string): string {
    let id = `${base}_2`;
    for (let n = 3; this.used.has(id) || this.declared.has(id); n++) id = `${base}_${n}`;
    return id;
  }

  take(declared: string | undefined, method: HttpMethod, path: string): { operationId: string; idOrigin: "description" | "generated" | "renamed" } {
    let operationId: string;
    let idOrigin: "description" | "generated" | "renamed";
    if (declared) {
      operationId = this.used.has(declared) ? this.suffixed(declared) : declared;
      idOrigin = operationId === declared ? "description" : "renamed";
    } else {
      const base = generatedOperationId(method, path);
      operationId = this.used.has(base) || this.declared.has(base) ? this.suffixed(base) : base;
      idOrigin = "generated";
    }
    this.used.add(operationId);
    return { operationId, idOrigin };
  }
}
