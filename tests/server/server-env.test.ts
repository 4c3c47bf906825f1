// The server process's environment (scripts/server-env.mjs, issue 17): glibc's arenas capped at two unless the
// operator chose otherwise, so steady load does not grow one fragmented arena per allocating thread.
import { describe, expect, it } from "vitest";
import { serverEnv } from "../../scripts/server-env.mjs";

describe("the server's environment", () => {
  it("caps glibc's malloc arenas at two", () => {
    expect(serverEnv({ PATH: "/usr/bin" })).toEqual({ PATH: "/usr/bin", MALLOC_ARENA_MAX: "2" });
  });

  it("keeps the operator's own arena setting", () => {
    expect(serverEnv({ MALLOC_ARENA_MAX: "8" }).MALLOC_ARENA_MAX).toBe("8");
  });
});
