// What "Add step" in the cURL paste dialog does with each credential: the secrets it creates (owners only), the ones it
// reuses, what stays in the step as written, and what must be fixed first.
import { describe, expect, it } from "vitest";
import { planSecrets, type CredentialEdit } from "../../app/components/editor/curl/plan";
import { parseCurl, type CurlImport } from "../../runtime/nodes/http-curl";

function imp(command: string, existing: string[] = []): CurlImport {
  const r = parseCurl(command, { existingSecrets: existing });
  if (!r.ok) throw new Error(r.error);
  return r;
}

const TWO = `curl -H "Authorization: Bearer tok-1" -H "X-Api-Key: key-2" https://api.acme.test/x`;

describe("planSecrets", () => {
  it("an owner with the defaults: both created, for the command's host, the header one readable", () => {
    const plan = planSecrets({ imp: imp(TWO), edits: {}, existing: [], canSaveSecrets: true, hostsText: "api.acme.test" });
    expect(plan).toEqual({
      choices: { c1: { as: "secret", name: "ACME_TOKEN" }, c2: { as: "secret", name: "ACME_API_KEY" } },
      create: [
        { name: "ACME_TOKEN", value: "tok-1", readable: false },
        { name: "ACME_API_KEY", value: "key-2", readable: true },
      ],
      errors: {},
      hosts: ["api.acme.test"],
      hostsError: null,
      ready: true,
    });
  });

  it("an editor creates nothing: the step refers to the names for an owner to add", () => {
    const plan = planSecrets({ imp: imp(TWO), edits: {}, existing: [], canSaveSecrets: false, hostsText: "" });
    expect(plan.create).toEqual([]);
    expect(plan.choices.c1).toEqual({ as: "secret", name: "ACME_TOKEN" });
    expect(plan.ready).toBe(true);
  });

  it("an unchecked credential stays as written; an existing name is reused, not replaced", () => {
    const edits: Record<string, CredentialEdit> = { c1: { save: false, name: "ACME_TOKEN", value: "" }, c2: { save: true, name: "SHARED_KEY", value: "" } };
    const plan = planSecrets({ imp: imp(TWO), edits, existing: [{ name: "SHARED_KEY", hosts: ["api.acme.test"], readable: true }], canSaveSecrets: true, hostsText: "api.acme.test" });
    expect(plan.choices).toEqual({ c1: { as: "plain" }, c2: { as: "secret", name: "SHARED_KEY" } });
    expect(plan.create).toEqual([]);
  });

  it("bad or repeated names, a missing stand-in value and no host are what stop it", () => {
    const stand = imp(`curl -H "Authorization: Bearer $TOKEN" -H "X-Api-Key: k" https://api.acme.test/x`);
    const bad = planSecrets({ imp: stand, edits: { c2: { save: true, name: "ACME_TOKEN", value: "" } }, existing: [], canSaveSecrets: true, hostsText: "" });
    expect(bad.errors).toEqual({
      c1: "The command has a stand-in here, not the credential itself: paste the real value.",
      c2: "ACME_TOKEN is already chosen for the Authorization header (Bearer token); give this one another name.",
    });
    expect(bad.ready).toBe(false);
    const lower = planSecrets({ imp: stand, edits: { c1: { save: true, name: "9lives", value: "real" } }, existing: [], canSaveSecrets: true, hostsText: "api.acme.test" });
    expect(lower.errors.c1).toMatch(/^Secret names use capital letters/);
    const noHost = planSecrets({ imp: stand, edits: { c1: { save: true, name: "ACME_TOKEN", value: "real" } }, existing: [], canSaveSecrets: true, hostsText: " , " });
    expect(noHost).toMatchObject({ errors: {}, hostsError: "Name the host the secrets may be sent to, such as api.example.com.", ready: false });
    const typed = planSecrets({ imp: stand, edits: { c1: { save: true, name: "ACME_TOKEN", value: "real" } }, existing: [], canSaveSecrets: true, hostsText: "api.acme.test" });
    expect(typed.create[0]).toEqual({ name: "ACME_TOKEN", value: "real", readable: false });
  });
});
