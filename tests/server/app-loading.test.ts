// When the editor app is loaded beside MCP (server/http/app-loading.ts): never while a client's first calls are in
// flight, once they pause, at once when the app is asked for, and at the latest after the ceiling.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { appLoadTrigger } from "../../server/http/app-loading";

describe("app load trigger", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("waits while MCP requests are in flight and loads once they pause", () => {
    const load = vi.fn();
    const t = appLoadTrigger(load, { quietMs: 300, latestMs: 10_000 });
    t.mcpStarted(); // initialize
    vi.advanceTimersByTime(1_000);
    expect(load).not.toHaveBeenCalled();
    t.mcpFinished();
    vi.advanceTimersByTime(100);
    t.mcpStarted(); // the first tools/call, right behind it
    vi.advanceTimersByTime(1_000);
    expect(load).not.toHaveBeenCalled();
    t.mcpFinished();
    vi.advanceTimersByTime(299);
    expect(load).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("counts overlapping requests: one finishing does not start the load while another runs", () => {
    const load = vi.fn();
    const t = appLoadTrigger(load, { quietMs: 300, latestMs: 10_000 });
    t.mcpStarted();
    t.mcpStarted();
    t.mcpFinished();
    vi.advanceTimersByTime(5_000);
    expect(load).not.toHaveBeenCalled();
    t.mcpFinished();
    vi.advanceTimersByTime(300);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("loads at the latest after the ceiling even if MCP traffic never pauses, and only once", () => {
    const load = vi.fn();
    const t = appLoadTrigger(load, { quietMs: 300, latestMs: 2_000 });
    t.mcpStarted();
    vi.advanceTimersByTime(2_000);
    expect(load).toHaveBeenCalledTimes(1);
    t.mcpFinished();
    t.now();
    vi.advanceTimersByTime(10_000);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("loads at once when the app is asked for, and when nothing at all arrives", () => {
    const asked = vi.fn();
    appLoadTrigger(asked, { quietMs: 300 }).now();
    expect(asked).toHaveBeenCalledTimes(1);
    const idle = vi.fn();
    appLoadTrigger(idle, { quietMs: 300 });
    vi.advanceTimersByTime(300);
    expect(idle).toHaveBeenCalledTimes(1);
  });
});
