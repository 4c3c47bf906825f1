// Secrets reach expressions only by static name (`secrets.NAME` / `secrets["NAME"]`): the engine hands the sandbox the
// values of exactly the names found here, so a program cannot enumerate the workspace's other secrets.
const SECRET_REF = /\bsecrets\s*(?:\?\.\s*|\.\s*)([A-Za-z_$][\w$]*)|\bsecrets\s*(?:\?\.\s*)?\[\s*(["'`])([^"'`\\]+)\2\s*\]/g;

export function secretReferences(source: string): string[] {
  const names = new Set<string>();
  for (const m of source.matchAll(SECRET_REF)) {
    const name = m[1] ?? m[3];
    if (name) names.add(name);
  }
  return [...names].sort();
}
