// Part of `npm run bench`: the editor in Chromium on a 300-node workflow, against a 3-node one opened the same way in
// the same run (the baseline). Measures time to a drawn canvas, and frame times and long tasks while panning.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { join, resolve } from "node:path";
import chromium from "@sparticuz/chromium";
import { chromium as playwright, type Page } from "playwright-core";

const root = resolve(import.meta.dirname, "..");

export interface PanMeasurement {
  frames: number;
  frameP50Ms: number;
  frameP95Ms: number;
  longTasks: number;
  longTaskMs: number;
}

export interface EditorMeasurement {
  nodes: number;
  /** The median of `opensMs`. */
  openMs: number;
  /** Each open's time (one unless BENCH_EDITOR_OPENS asks for more). */
  opensMs: number[];
  phases: OpenPhases;
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

/** Where an open's time went, in ms from the start of the navigation (the page's own clock). */
export interface OpenPhases {
  /** The page's HTML has arrived. */
  html: number;
  /** The page's scripts have run (DOMContentLoaded). */
  scripts: number;
  /** The last API answer before the canvas was drawn (the workflow, the workspace, its secrets). */
  api: number;
  /** The first card is in the page. */
  firstCard: number;
  /** Every card in the page is measured and shown. */
  drawn: number;
}

/** Opens the editor on `url` and waits until its canvas is drawn. */
async function open(page: Page, url: string, profile?: string): Promise<{ openMs: number; phases: OpenPhases }> {
  const profiler = profile ? await startProfiling(page) : null;
  const started = performance.now();
  await page.goto(url);
  await page.locator(".react-flow__node").first().waitFor();
  const firstCard = (await page.evaluate("performance.now()")) as number;
  // React Flow keeps nodes hidden until it has measured them: the canvas is drawn when none is hidden any more.
  await page.waitForFunction(`(() => {
    const drawn = [...document.querySelectorAll(".react-flow__node")];
    return drawn.length > 0 && drawn.every((n) => n.style.visibility !== "hidden");
  })()`);
  const openMs = performance.now() - started;
  const phases = (await page.evaluate(`(() => {
    const nav = performance.getEntriesByType("navigation")[0];
    const api = performance.getEntriesByType("resource").filter((r) => r.name.includes("/api/trpc/")).map((r) => r.responseEnd);
    return { html: nav.responseEnd, scripts: nav.domContentLoadedEventEnd, api: Math.max(0, ...api), drawn: performance.now() };
  })()`)) as Omit<OpenPhases, "firstCard">;
  if (profiler) await profiler.stop(profile!, `opening ${page.url()}`);
  return { openMs, phases: { ...phases, firstCard } };
}

async function measure(page: Page, url: string, nodes: number, profile?: string): Promise<EditorMeasurement> {
  const opened = await open(page, url, profile);
  // Panning is measured on a settled page: after first paint the editor still validates, fits the view and saves.
  await page.waitForLoadState("networkidle");
  await page.waitForTimeout(1500);
  const panProfiler = profile ? await startProfiling(page) : null;
  const firstPan = await pan(page);
  if (panProfiler) await panProfiler.stop(profile!, "the first pan");
  return { nodes, ...opened, opensMs: [opened.openMs], firstPan, steadyPan: await pan(page) };
}

// ---- profiling an open (BENCH_EDITOR_PROFILE=<dir>) -----------------------------------------------------------------

interface TraceEvent {
  ph: string;
  name: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string };
}

/**
 * Starts a V8 CPU profile and a timeline trace of the page. `stop` writes both to `dir` (open them in Chrome DevTools)
 * and prints where the main thread's time went: by kind of work (script, style, layout, paint, GC), and by function.
 */
async function startProfiling(page: Page): Promise<{ stop(dir: string, what: string): Promise<void> }> {
  const cdp = await page.context().newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on("Tracing.dataCollected", ({ value }) => void events.push(...(value as unknown as TraceEvent[])));
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 200 });
  await cdp.send("Profiler.start");
  await cdp.send("Tracing.start", { categories: "devtools.timeline,v8,blink.user_timing", transferMode: "ReportEvents" });
  return {
    async stop(dir, what) {
      const { profile } = (await cdp.send("Profiler.stop")) as { profile: CpuProfile };
      const done = new Promise((r) => cdp.once("Tracing.tracingComplete", r));
      await cdp.send("Tracing.end");
      await done;
      await cdp.detach();
      mkdirSync(dir, { recursive: true });
      const stem = `editor-${what.startsWith("opening") ? "open" : "pan"}-${new Date().toISOString().replace(/[:.]/g, "-")}`;
      writeFileSync(join(dir, `${stem}.cpuprofile`), JSON.stringify(profile));
      writeFileSync(join(dir, `${stem}.trace.json`), JSON.stringify({ traceEvents: events }));
      console.log(`profile of ${what} written to ${dir}/${stem}.*`);
      printTimeline(events);
      printProfile(profile);
    },
  };
}

/** Self time of the renderer main thread's events by name (a forced layout inside a script counts as layout). */
export function printTimeline(events: TraceEvent[]): void {
  const mains = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && /^(CrRendererMain|Chrome_InProcRendererThread)$/.test(e.args?.name ?? "")).map((e) => `${e.pid}:${e.tid}`));
  const spans = events.filter((e) => e.ph === "X" && e.dur !== undefined && mains.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: Array<{ end: number; name: string; key: string }> = [];
  let busy = 0;
  for (const e of spans) {
    const key = `${e.pid}:${e.tid}`;
    while (stack.length && (stack.at(-1)!.end <= e.ts || stack.at(-1)!.key !== key)) stack.pop();
    const parent = stack.at(-1);
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - e.dur!);
    else busy += e.dur!;
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur!);
    stack.push({ end: e.ts + e.dur!, name: e.name, key });
  }
  console.log(`main thread busy ${(busy / 1000).toFixed(0)} ms; self time by event:`);
  for (const [name, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 14)) console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
}

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/** Self and total time by function, named from the build's source maps when there are any (productionBrowserSourceMaps). */
export function printProfile(profile: CpuProfile): void {
  const maps = new Map<string, SourceMap | null>();
  const where = (frame: CpuProfile["nodes"][number]["callFrame"]): string => {
    const path = frame.url.includes("/_next/") ? join(root, ".next", frame.url.slice(frame.url.indexOf("/_next/") + 7)) : null;
    let map = path ? maps.get(path) : null;
    if (path && map === undefined) {
      const named = existsSync(path) ? /\/\/# sourceMappingURL=(\S+)\s*$/.exec(readFileSync(path, "utf8"))?.[1] : undefined;
      const file = named ? join(path, "..", named) : "";
      map = file && existsSync(file) ? new SourceMap(JSON.parse(readFileSync(file, "utf8"))) : null;
      maps.set(path, map);
    }
    const entry = map?.findEntry(frame.lineNumber, frame.columnNumber) as { originalSource?: string; originalLine?: number; name?: string } | undefined;
    const file = entry?.originalSource ? entry.originalSource.replace(/^.*node_modules\//, "~").replace(/^webpack:\/\/_N_E\//, "").replace(/^\.\//, "") : frame.url.split("/").pop() || "(native)";
    return `${entry?.name || frame.functionName || "(anonymous)"}  ${file}${entry?.originalLine !== undefined ? `:${entry.originalLine + 1}` : ""}`;
  };
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = new Map(profile.nodes.map((n) => [n.id, where(n.callFrame)]));
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    self.set(label.get(id)!, (self.get(label.get(id)!) ?? 0) + dt);
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = label.get(cur)!;
      if (seen.has(name)) continue;
      total.set(name, (total.get(name) ?? 0) + dt);
      seen.add(name);
    }
  });
  const show = (title: string, m: Map<string, number>, n: number) => {
    console.log(title);
    for (const [name, us] of [...m].filter(([k]) => !k.startsWith("(root)") && !k.startsWith("(idle)")).sort((a, b) => b[1] - a[1]).slice(0, n)) {
      console.log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
    }
  };
  show("CPU profile, self time:", self, 30);
  show("CPU profile, total time:", total, Number(process.env.TOP ?? 45));
}

/** Drags the empty canvas around three times, as a person looking over a large workflow would, timing every frame. */
async function pan(page: Page): Promise<PanMeasurement> {
  // Passed as text: tsx rewrites functions (adding helpers the page does not have), and this runs in the page.
  await page.evaluate(`(() => {
    window.__frames = [];
    window.__long = [];
    window.__panning = true;
    window.__observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => window.__panning && window.__long.push(e.duration)));
    window.__observer.observe({ type: "longtask" });
    let last = performance.now();
    const tick = (now) => { if (!window.__panning) return; window.__frames.push(now - last); last = now; requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  })()`);
  // Each drag starts on empty canvas (with a margin) nearest the middle: started on a card it would move the card, not
  // the view, and the last drag leaves the view a little off where it was.
  const emptySpot = async () => {
    const spot = (await page.evaluate(`(() => {
      const pane = document.querySelector(".react-flow__pane").getBoundingClientRect();
      const empty = (x, y) => [[0, 0], [24, 0], [-24, 0], [0, 24], [0, -24]].every(([dx, dy]) => document.elementFromPoint(x + dx, y + dy)?.classList.contains("react-flow__pane"));
      for (let d = 0; d < Math.max(pane.width, pane.height) / 2; d += 6) {
        for (const [dx, dy] of [[0, d], [0, -d], [d, 0], [-d, 0], [d, d], [-d, -d], [d, -d], [-d, d]]) {
          const x = pane.left + pane.width / 2 + dx;
          const y = pane.top + pane.height / 2 + dy;
          if (empty(x, y)) return { x, y };
        }
      }
      return null;
    })()`)) as { x: number; y: number } | null;
    if (!spot) throw new Error("no empty spot on the canvas to start panning from");
    return spot;
  };
  const viewport = () => page.evaluate(`document.querySelector(".react-flow__viewport").style.transform`);
  for (let round = 0; round < 3; round++) {
    const { x: cx, y: cy } = await emptySpot();
    const before = await viewport();
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    for (let step = 0; step < 40; step++) await page.mouse.move(cx - step * 12, cy - step * 6);
    if ((await viewport()) === before) throw new Error("dragging the canvas did not move the view");
    for (let step = 40; step > 0; step--) await page.mouse.move(cx - step * 12, cy - step * 6);
    await page.mouse.up();
  }
  // A drag that caught a card would have selected it.
  if (await page.locator(".react-flow__node.selected").count()) throw new Error("a drag moved a card instead of the view");
  const { frames, long } = (await page.evaluate(`(() => { window.__panning = false; window.__observer.disconnect(); return { frames: window.__frames.slice(1), long: window.__long }; })()`)) as { frames: number[]; long: number[] };
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
    const large = await measure(page, `${baseUrl}/w/editor-bench/workflows/large_chain`, 300, process.env.BENCH_EDITOR_PROFILE);
    // BENCH_EDITOR_OPENS=<n>: each workflow is opened n times in all, in turns, and the open time is their median (on a
    // shared machine one open is noisy).
    for (let i = 1; i < Number(process.env.BENCH_EDITOR_OPENS ?? 1); i++) {
      for (const m of [baseline, large]) m.opensMs.push((await open(page, `${baseUrl}/w/editor-bench/workflows/${m === baseline ? "small" : "large"}_chain`)).openMs);
    }
    for (const m of [baseline, large]) m.openMs = [...m.opensMs].sort((a, b) => a - b)[Math.floor(m.opensMs.length / 2)]!;
    return { baseline, large };
  } finally {
    await browser.close();
  }
}
