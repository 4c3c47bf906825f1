// Steps the editor suites share: sign up and create a workspace (through the forms or their API), and drive the workflow editor the way a
// person does (palette, panel, field picker, handles).
import type { Locator, Page } from "playwright-core";

type NewUser = { name: string; email: string; password: string };

/** Signs up through the form; the new account lands on "create a workspace". */
export async function signUp(page: Page, baseUrl: string, user: NewUser) {
  await page.goto(`${baseUrl}/sign-up`);
  await page.getByLabel("Name").fill(user.name);
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel(/^Password/).fill(user.password);
  await page.getByRole("button", { name: "Create account" }).click();
  await page.waitForURL(/\/workspaces\/new$/);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Account menu" }).click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await page.waitForURL(/\/sign-in$/);
}

/** Signs up and creates a workspace through the two forms a new person fills in; lands on its workflows. */
export async function signUpWithWorkspaceByForm(page: Page, baseUrl: string, user: NewUser, workspace: string) {
  await signUp(page, baseUrl, user);
  await page.getByLabel("Workspace name").fill(workspace);
  await page.getByRole("button", { name: "Create workspace" }).click();
  await page.waitForURL(/\/workflows$/);
}

/**
 * The same account and workspace through the API the forms call (better-auth's sign-up, tRPC workspace.create), with
 * the session cookie landing in the page's context; then opens the workspace's workflows, as the forms end. The forms
 * themselves are covered by foundation.test.ts and invitations.test.ts; here they would cost every browser file two
 * page loads and a dozen steps.
 */
export async function signUpWithWorkspace(page: Page, baseUrl: string, user: NewUser, workspace: string) {
  // page.request shares the context's cookies, so the session set by the sign-up is the page's session.
  const headers = { origin: baseUrl };
  const signedUp = await page.request.post(`${baseUrl}/api/auth/sign-up/email`, { headers, data: user });
  if (!signedUp.ok()) throw new Error(`sign-up of ${user.email} failed (${signedUp.status()}): ${await signedUp.text()}`);
  const slug = workspaceSlug(workspace);
  const created = await page.request.post(`${baseUrl}/api/trpc/workspace.create`, { headers, data: { json: { name: workspace, slug } } });
  if (!created.ok()) throw new Error(`creating workspace ${workspace} failed (${created.status()}): ${await created.text()}`);
  await page.goto(`${baseUrl}/w/${slug}/workflows`);
}

/** The slug the workspace form suggests for a name ("Alpha Sales" → "alpha-sales"). */
function workspaceSlug(name: string): string {
  return name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
}

export async function createWorkflow(page: Page, name: string, title: string, description: string) {
  await page.getByRole("button", { name: "New workflow" }).first().click();
  const dialog = page.getByRole("dialog", { name: "New workflow" });
  await dialog.getByLabel("Tool name").fill(name);
  await dialog.getByLabel("Title").fill(title);
  await dialog.getByLabel("Description").fill(description);
  await dialog.getByRole("button", { name: "Create and open" }).click();
  await page.waitForURL(new RegExp(`/workflows/${name}$`));
  await node(page, "input").waitFor();
}

export function node(page: Page, id: string): Locator {
  return page.locator(`.react-flow__node[data-id="${id}"]`);
}

/** Selects a node by clicking its header (not a handle). */
export async function selectNode(page: Page, id: string) {
  await node(page, id).locator("p").first().click();
  await page.getByRole("region", { name: `Node ${id}` }).waitFor();
}

export function panel(page: Page, id: string): Locator {
  return page.getByRole("region", { name: `Node ${id}` });
}

export async function addFromPalette(page: Page, label: string): Promise<string> {
  const before = await page.locator(".react-flow__node").evaluateAll((els) => els.map((e) => e.getAttribute("data-id")));
  await page.getByRole("region", { name: "Node palette" }).getByRole("button", { name: `Add ${label}`, exact: true }).click();
  const handle = await page.waitForFunction(
    (ids) => [...document.querySelectorAll(".react-flow__node")].map((e) => e.getAttribute("data-id")).find((id) => !ids.includes(id)),
    before,
  );
  return (await handle.jsonValue()) as string;
}

export async function renameSelected(page: Page, from: string, to: string) {
  const id = panel(page, from).getByLabel("Node id");
  await id.fill(to);
  await id.press("Enter");
  await panel(page, to).waitFor();
}

/** Types into a CodeMirror field (its accessible name is the field label). */
export async function typeInCode(page: Page, scope: Locator, label: string, text: string, opts: { clear?: boolean } = {}) {
  const editor = scope.getByRole("textbox", { name: label, exact: true });
  await editor.click();
  if (opts.clear) {
    await page.keyboard.press("ControlOrMeta+a");
    await page.keyboard.press("Backspace");
  }
  if (text) await page.keyboard.type(text);
}

/** Inserts a field from the field picker at the cursor of a CodeMirror field. */
export async function pickField(page: Page, scope: Locator, label: string, path: string) {
  await scope.getByRole("button", { name: `Insert field into ${label}`, exact: true }).click();
  await page.getByRole("menuitem", { name: path, exact: true }).click();
  // The cursor returns to the field, after the inserted text, so typing continues there.
  const editor = scope.getByRole("textbox", { name: label, exact: true });
  await page.waitForFunction((el) => el === document.activeElement, await editor.elementHandle());
}

/** Connects two nodes by dragging from a source handle to the target's input handle on the canvas. */
export async function dragConnect(page: Page, from: string, to: string, handle = "next") {
  const source = page.locator(`.react-flow__handle[data-nodeid="${from}"][data-handleid="${handle}"]`);
  const target = page.locator(`.react-flow__handle[data-nodeid="${to}"][data-handleid="in"]`);
  const a = (await source.boundingBox())!;
  const b = (await target.boundingBox())!;
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 5 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 5 });
  await page.mouse.up();
}

export async function connectInPanel(page: Page, from: string, to: string, handle?: string) {
  await panel(page, from).getByLabel(handle ? `Connect ${handle} to` : "Connect to", { exact: true }).selectOption(to);
}

export async function waitSaved(page: Page) {
  await page.getByRole("status", { name: "Save status" }).getByText("All changes saved").waitFor({ timeout: 15_000 });
}

export async function runTest(page: Page, args: Record<string, string>) {
  await page.getByRole("tab", { name: "Test run" }).click();
  const form = page.getByRole("form", { name: "Test arguments" });
  for (const [name, value] of Object.entries(args)) await form.getByRole("textbox", { name, exact: true }).fill(value);
  await form.getByRole("button", { name: "Run test" }).click();
}
