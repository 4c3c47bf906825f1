// The live-tools cache under racing refreshes: a poll, a NOTIFY and an in-process event can all ask for the same
// change at once, and a slow query can answer after a newer one. A backend whose answers the test releases makes each
// interleaving happen on purpose. What must hold: once `revalidate` says "changed" (the endpoint then sends
// list_changed), every later read serves at least that revision; each revision is announced once; no trigger is lost.
import { describe, expect, it } from "vitest";
import type { LiveTool } from "../../../runtime/mcp/backend";
import { ToolCatalog } from "../../../runtime/mcp/catalog";

const WS = "ws_1";

function toolAt(revision: number): LiveTool {
  return {
    workflowId: "wf_add_tax",
    versionId: `version_at_${revision}`,
    versionNumber: revision + 1,
    name: "add_tax",
    description: "",
    inputSchema: { type: "object" },
    runnable: {} as LiveTool["runnable"],
  };
}

/**
 * A database with one workspace whose tools change with each commit. A query reads the state when it runs; a query
 * marked to be held delivers that (by then possibly stale) answer only when released, like a slow connection.
 */
function fakeDatabase() {
  let revision = 0;
  let holdNext: "revision" | "tools" | undefined;
  const held: Array<() => void> = [];
  const answer = <T>(kind: "revision" | "tools", value: T): Promise<T> => {
    if (holdNext !== kind) return Promise.resolve(value);
    holdNext = undefined;
    return new Promise<T>((resolve) => held.push(() => resolve(value)));
  };
  return {
    backend: {
      toolsRevision: async () => answer("revision", revision),
      loadLiveTools: async () => answer("tools", [toolAt(revision)]),
    },
    commit() {
      revision += 1;
    },
    /** The next query of that kind runs now but answers only on `release()`. */
    hold(kind: "revision" | "tools") {
      holdNext = kind;
    },
    release() {
      for (const resolve of held.splice(0)) resolve();
    },
    get heldQueries() {
      return held.length;
    },
  };
}

/** Lets pending promise callbacks (and the fake's immediate answers) run. */
async function settle() {
  for (let i = 0; i < 20; i++) await new Promise<void>((r) => setImmediate(r));
}

async function served(catalog: ToolCatalog): Promise<string | undefined> {
  return (await catalog.tools(WS)).tools[0]?.versionId;
}

/**
 * Runs `revalidate` and, at the moment it answers "changed", reads what a call would be served next (before any
 * other callback can run), which is what a client that got list_changed sees.
 */
function revalidateAndObserve(catalog: ToolCatalog) {
  return catalog.revalidate(WS).then(async (changed) => ({ changed, servedAfter: changed ? await served(catalog) : undefined }));
}

describe("ToolCatalog under racing refreshes", () => {
  it("announces one change once, however many triggers (NOTIFY, local event, poll) ask at the same time", async () => {
    const db = fakeDatabase();
    // A long freshness window: reads are served from the cache unless a revalidation refreshed it.
    const catalog = new ToolCatalog(db.backend, 60_000);
    expect(await served(catalog)).toBe("version_at_0");
    db.commit();
    const results = await Promise.all([revalidateAndObserve(catalog), revalidateAndObserve(catalog), revalidateAndObserve(catalog)]);
    expect(results.filter((r) => r.changed)).toEqual([{ changed: true, servedAfter: "version_at_1" }]);
    expect(await catalog.revalidate(WS)).toBe(false);
  });

  it("never lets a slow refresh that read an older revision replace the newer tools it raced with", async () => {
    const db = fakeDatabase();
    const catalog = new ToolCatalog(db.backend, 60_000);
    expect(await served(catalog)).toBe("version_at_0");

    db.commit(); // revision 1 (a publish)
    db.hold("tools");
    const poll = revalidateAndObserve(catalog); // reads revision 1, then loads revision 1's tools slowly
    await settle();
    expect(db.heldQueries).toBe(1);
    db.commit(); // revision 2 (the rollback), committed while the poll's load is still on the wire
    const notify = revalidateAndObserve(catalog);
    await settle();
    db.release(); // the stale answer arrives last

    const results = await Promise.all([poll, notify]);
    // Whatever was announced, a call right after it was served the announced tools or newer…
    for (const result of results.filter((r) => r.changed)) expect(result.servedAfter).toMatch(/version_at_[12]/);
    // …the trigger that came after the rollback's commit announced the rollback itself…
    expect(results[1]).toEqual({ changed: true, servedAfter: "version_at_2" });
    // …and the cache never went back to the older tools.
    expect(await served(catalog)).toBe("version_at_2");
    expect(await catalog.revalidate(WS)).toBe(false);
  });

  it("does not lose a trigger that arrives while a refresh which read the revision before the commit is in flight", async () => {
    const db = fakeDatabase();
    const catalog = new ToolCatalog(db.backend, 60_000);
    expect(await served(catalog)).toBe("version_at_0");

    db.hold("revision");
    const poll = revalidateAndObserve(catalog); // reads revision 0 just before the commit, answers after it
    await settle();
    db.commit();
    const notify = revalidateAndObserve(catalog); // the NOTIFY of that commit
    await settle();
    db.release();

    const [polled, notified] = await Promise.all([poll, notify]);
    expect(polled.changed).toBe(false);
    expect(notified).toEqual({ changed: true, servedAfter: "version_at_1" });
  });

  it("still announces a change that a call's own refresh loaded first", async () => {
    const db = fakeDatabase();
    const catalog = new ToolCatalog(db.backend, 0); // every read revalidates
    expect(await served(catalog)).toBe("version_at_0");
    db.commit();
    // A tools/call on this replica sees the new revision before the NOTIFY is handled.
    expect(await served(catalog)).toBe("version_at_1");
    expect(await catalog.revalidate(WS)).toBe(true);
    expect(await catalog.revalidate(WS)).toBe(false);
  });

  it("announces nothing for the first load of a workspace, and each later revision once", async () => {
    const db = fakeDatabase();
    const catalog = new ToolCatalog(db.backend, 60_000);
    expect(await catalog.revalidate(WS)).toBe(false);
    for (let i = 1; i <= 3; i++) {
      db.commit();
      expect(await Promise.all([catalog.revalidate(WS), catalog.revalidate(WS)])).toEqual([true, false]);
      expect(await served(catalog)).toBe(`version_at_${i}`);
    }
  });

  it("recovers after a failed refresh: the error reaches its callers and the next trigger reads again", async () => {
    const db = fakeDatabase();
    let fail = false;
    const catalog = new ToolCatalog(
      {
        toolsRevision: async () => {
          if (fail) throw new Error("connection reset");
          return db.backend.toolsRevision();
        },
        loadLiveTools: db.backend.loadLiveTools,
      },
      60_000,
    );
    expect(await served(catalog)).toBe("version_at_0");
    db.commit();
    fail = true;
    await expect(catalog.revalidate(WS)).rejects.toThrow("connection reset");
    fail = false;
    expect(await catalog.revalidate(WS)).toBe(true);
    expect(await served(catalog)).toBe("version_at_1");
  });
});
