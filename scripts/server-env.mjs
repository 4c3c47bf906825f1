// The environment the server process runs with, on top of the caller's (scripts/start.mjs; bench/soak.ts mirrors it).
//
// MALLOC_ARENA_MAX=2: glibc gives every thread that calls malloc an arena of its own, up to 8 per core, and memory
// freed in one arena only serves later allocations in that arena. The server has ~15 threads that allocate (V8's
// workers compiling and marking, isolated-vm's threads running the sandboxes, libuv's pool), so under steady load
// each arena keeps growing with its own fragmentation: +3 MB/min of resident memory for 10 minutes and more of a
// soak (issue 17), with the JS heap flat. Two arenas hold the same work in a bounded footprint, at no measurable
// cost in calls per second. An operator's own MALLOC_ARENA_MAX wins.
export const SERVER_ENV_DEFAULTS = Object.freeze({ MALLOC_ARENA_MAX: "2" });

/**
 * The caller's environment with the server's defaults under it (the caller's values win).
 * @param {Record<string, string | undefined>} [env]
 * @returns {Record<string, string | undefined>}
 */
export function serverEnv(env = process.env) {
  return { ...SERVER_ENV_DEFAULTS, ...env };
}
