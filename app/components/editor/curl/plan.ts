// What "Add step" will do with the credentials of a pasted command, given the choices on screen: which secrets to
// create (value, hosts, readable), which existing ones to use, which values stay in the step, and what is not ready.
import { needsReadableSecret, type CredentialChoice, type CurlCredential, type CurlImport } from "../../../../runtime/nodes/http-curl";

/** The person's choice for one credential, as the form holds it. */
export interface CredentialEdit {
  save: boolean;
  name: string;
  /** The real value, typed in when the command only had a stand-in ($TOKEN, <api_token>). */
  value: string;
}

export interface ExistingSecret {
  name: string;
  hosts: string[];
  readable: boolean;
}

export interface SecretPlan {
  choices: Record<string, CredentialChoice>;
  create: Array<{ name: string; value: string; readable: boolean }>;
  /** Per credential id, what must be fixed before adding. */
  errors: Record<string, string>;
  hosts: string[];
  hostsError: string | null;
  ready: boolean;
}

const NAME = /^[A-Z][A-Z0-9_]{0,63}$/;

export function defaultEdit(c: CurlCredential): CredentialEdit {
  return { save: true, name: c.suggestedSecretName, value: "" };
}

/** The hosts a person typed (comma or space separated). */
export function hostList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((h) => h.trim())
    .filter(Boolean);
}

export function planSecrets(input: {
  imp: CurlImport;
  edits: Record<string, CredentialEdit>;
  existing: readonly ExistingSecret[];
  canSaveSecrets: boolean;
  hostsText: string;
}): SecretPlan {
  const { imp, existing, canSaveSecrets } = input;
  const choices: Record<string, CredentialChoice> = {};
  const create: SecretPlan["create"] = [];
  const errors: Record<string, string> = {};
  const chosen = new Map<string, string>();
  for (const c of imp.credentials) {
    const edit = input.edits[c.id] ?? defaultEdit(c);
    if (!edit.save) {
      choices[c.id] = { as: "plain" };
      continue;
    }
    const name = edit.name.trim();
    choices[c.id] = { as: "secret", name };
    if (!NAME.test(name)) {
      errors[c.id] = "Secret names use capital letters, digits and _ and start with a letter, e.g. CRM_TOKEN.";
      continue;
    }
    if (chosen.has(name)) {
      errors[c.id] = `${name} is already chosen for ${chosen.get(name)}; give this one another name.`;
      continue;
    }
    chosen.set(name, c.where);
    if (existing.some((s) => s.name === name) || !canSaveSecrets) continue;
    const value = c.placeholder ? edit.value : c.value;
    if (!value.trim()) {
      errors[c.id] = "The command has a stand-in here, not the credential itself: paste the real value.";
      continue;
    }
    create.push({ name, value, readable: needsReadableSecret(c) });
  }
  const hosts = hostList(input.hostsText);
  const hostsError = create.length && !hosts.length ? "Name the host the secrets may be sent to, such as api.example.com." : null;
  return { choices, create, errors, hosts, hostsError, ready: !Object.keys(errors).length && !hostsError };
}
