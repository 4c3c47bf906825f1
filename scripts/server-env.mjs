// The environment the server process runs with, on top of the caller's (scripts/start.mjs; bench/soak.ts mirrors it).
//
// MALLOC_ARENA_MAX=2: glibc gives every thread that calls malloc an arena of its own, up to 8 per core, and memory
// freed in one arena only serves later allocations in that arena. The server has ~15 threads that allocate (V8's
// workers, isolated-vm's threads running the sandboxes, libuv's pool); in 18-20 minute soaks (issue 17) malloc's
// footprint grew 53 -> 95 MB with the default and 44 -> 73 MB with two arenas, at no measurable cost in calls per
// second. It lowers the level and the rate; it does not stop the growth that is memory really in use (see issue 17:
// per-call isolated-vm references). An operator's own MALLOC_ARENA_MAX wins.
export const SERVER_ENV_DEFAULTS = Object.freeze({ MALLOC_ARENA_MAX: "2" });

/**
 * The caller's environment with the server's defaults under it (the caller's values win).
 * @param {Record<string, string | undefined>} [env]
 * @returns {Record<string, string | undefined>}
 */
export function serverEnv(env = process.env) {
  return { ...SERVER_ENV_DEFAULTS, ...env };
}
