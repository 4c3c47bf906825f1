// When a process that serves both MCP and the editor app loads the app. Loading it takes the event loop for half a
// second or more, so it waits until MCP traffic pauses: no MCP request in flight and none for `quietMs` (a client
// connecting sends initialize, initialized, tools/list and its first call back to back; loading after the first
// response, as before, held that first call). It loads at once when someone asks for the app, and at the latest
// `latestMs` after the port opened even if MCP calls never pause.

export interface AppLoadTrigger {
  /** Wraps an MCP request: counted while in flight. */
  mcpStarted(): void;
  mcpFinished(): void;
  /** Loads now (an app request arrived). */
  now(): void;
}

export function appLoadTrigger(load: () => void, options: { quietMs?: number; latestMs?: number } = {}): AppLoadTrigger {
  const quietMs = options.quietMs ?? 300;
  let inFlight = 0;
  let fired = false;
  let quiet: NodeJS.Timeout | undefined;
  const fire = () => {
    if (fired) return;
    fired = true;
    clearTimeout(quiet);
    clearTimeout(latest);
    load();
  };
  const latest = setTimeout(fire, options.latestMs ?? 2_000);
  latest.unref();
  const arm = () => {
    clearTimeout(quiet);
    if (!fired && inFlight === 0) (quiet = setTimeout(fire, quietMs)).unref();
  };
  arm();
  return {
    mcpStarted() {
      inFlight++;
      clearTimeout(quiet);
    },
    mcpFinished() {
      inFlight = Math.max(0, inFlight - 1);
      arm();
    },
    now: fire,
  };
}
