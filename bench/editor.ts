// Part of `npm run bench`: the editor in Chromium on a 300-node workflow, against a 3-node one opened the same way in
// the same run (the baseline). Measures time to a drawn canvas, and frame times and long tasks while panning.
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Page } from "playwright-core";

export interface PanMeasurement {
  frames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  longTasks: number;
  longTaskMs: number;
}

export interface EditorMeasurement {
  nodes: number;
  openMs: number;
  /** The first pan after opening pays for rasterising what comes into view. */
  firstPan: PanMeasurement;
  /** The same pan again: what working on the canvas feels like. */
  steadyPan: PanMeasurement;
}

/** A straight chain input → set × (n − 2) → output, laid out on a grid, as the editor would store it. */
export function chainWorkflow(name: string, nodes: number) {
  const ids = ["input", ...Array.from({ length: nodes - 2 }, (_, i) => `step_${i}`), "out"];
  return {
    format: "toolflow.workflow/v1",
    name,
    description: `A ${nodes}-node chain for the editor benchmark.`,
    nodes: ids.map((id, i) => ({
      id,
      type: id === "input" ? "input" : id === "out" ? "output" : "set",
      position: { x: (i % 20) * 260, y: Math.floor(i / 20) * 160 },
      params:
        id === "input"
          ? { fields: [{ name: "n", type: "number", required: true }] }
          : id === "out"
            ? { mode: "json", value: `{{ steps.${ids[i - 1]} }}` }
            : { fields: [{ name: "v", value: `{{ ${i === 1 ? "input.n" : `steps.${ids[i - 1]}.v`} + 1 }}` }] },
    })),
    edges: ids.slice(1).map((id, i) => ({ from: ids[i]!, to: id })),
  };
}

async function measure(page: Page, url: string, nodes: number): Promise<EditorMeasurement> {
  const started = performance.now();
  await page.goto(url);
  await page.locator(".react-flow__node").first().waitFor();
  // React Flow keeps nodes hidden until it has measured them: the canvas is drawn when none is hidden any more.
  await page.waitForFunction(`(() => {
    const drawn = [...document.querySelectorAll(".react-flow__node")];
    return drawn.length > 0 && drawn.every((n) => n.style.visibility !== "hidden");
  })()`);
  const openMs = performance.now() - started;
  // Panning is measured on a settled page: after first paint the editor still validates, fits the view and saves.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
  return { nodes, openMs, firstPan: await pan(page), steadyPan: await pan(page) };
}

/** Drags the empty canvas around three times, as a person looking over a large workflow would, timing every frame. */
async function pan(page: Page): Promise<PanMeasurement> {
  // Passed as text: tsx rewrites functions (adding helpers the page does not have), and this runs in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__long = [];
    window.__panning = true;
    new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__panning && window.__long.push(e.duration))).observe({ type: "longtask" });
    let last = performance.now();
    const tick = (now) => { if (!window.__panning) return; window.__frames.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  const pane = await page.locator(".react-flow__pane").boundingBox();
  if (!pane) throw new Error("no canvas pane");
  const cx = pane.x + pane.width / 2;
  const cy = pane.y + pane.height / 2;
  for (let round = 0; round < 3; round++) {
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let step = 0; step < 40; step++) await page.mouse.move(cx - step * 12, cy - step * 6);
    for (let step = 40; step > 0; step--) await page.mouse.move(cx - step * 12, cy - step * 6);
    await page.mouse.up();
  }
  const { frames, long } = (await page.evaluate(`(() => { window.__panning = false; return { frames: window.__frames.slice(1), long: window.__long }; })()`)) as { frames: number[]; long: number[] };
  frames.sort((a, b) => a - b);
  return {
    frames: frames.length,
    frameP50Ms: frames[Math.floor(frames.length * 0.5)] ?? 0,
    frameP95Ms: frames[Math.floor(frames.length * 0.95)] ?? 0,
    longTasks: long.length,
    longTaskMs: long.reduce((a, b) => a + b, 0),
  };
}

/**
 * Signs up through the real auth endpoint, creates a workspace and imports both workflows through tRPC, then opens
 * each in the editor (the small one first, as the baseline).
 */
export async function benchEditor(baseUrl: string): Promise<{ baseline: EditorMeasurement; large: EditorMeasurement }> {
  const post = (path: string, body: unknown, cookie = "") =>
    fetch(`${baseUrl}${path}`, { method: "POST", headers: { "content-type": "application/json", origin: baseUrl, cookie }, body: JSON.stringify(body) });
  const signUp = await post("/api/auth/sign-up/email", { email: "editor-bench@example.test", password: "bench password 1", name: "Bench" });
  if (!signUp.ok) throw new Error(`sign-up failed: ${signUp.status} ${await signUp.text()}`);
  const cookie = signUp.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  const trpc = async (path: string, input: unknown) => {
    const response = await post(`/api/trpc/${path}`, { json: input }, cookie);
    if (!response.ok) throw new Error(`${path} failed: ${response.status} ${await response.text()}`);
  };
  await trpc("workspace.create", { name: "Editor bench", slug: "editor-bench" });
  await trpc("workflows.import", { workspace: "editor-bench", doc: chainWorkflow("small_chain", 3) });
  await trpc("workflows.import", { workspace: "editor-bench", doc: chainWorkflow("large_chain", 300) });

  const browser = await playwright.launch({
    executablePath: process.env.CHROMIUM_PATH || (await chromium.executablePath()),
    headless: true,
    args: [...(process.env.CHROMIUM_PATH ? ["--no-sandbox"] : chromium.args), "--disable-background-networking", "--no-first-run", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const host = new URL(baseUrl);
    await context.addCookies(
      cookie.split("; ").map((pair) => {
        const [name, ...value] = pair.split("=");
        return { name: name!, value: value.join("="), domain: host.hostname, path: "/" };
      }),
    );
    const page = await context.newPage();
    // Warm the route once so both measurements see compiled, cached pages.
    await page.goto(`${baseUrl}/w/editor-bench/workflows/small_chain`);
    await page.locator(".react-flow__node").first().waitFor();
    const baseline = await measure(page, `${baseUrl}/w/editor-bench/workflows/small_chain`, 3);
    const large = await measure(page, `${baseUrl}/w/editor-bench/workflows/large_chain`, 300);
    return { baseline, large };
  } finally {
    await browser.close();
  }
}
