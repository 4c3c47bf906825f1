// Filling a disk for the full-disk tests (a small tmpfs the test mounts).
import { closeSync, openSync, writeSync } from "node:fs";

/** Writes a file at `path` until its disk has no byte left. */
export function fillDisk(path: string): void {
  const fd = openSync(path, "w");
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) writeSync(fd, chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOSPC") throw error;
    // The last partial block.
    try {
      for (;;) writeSync(fd, chunk, 0, 512);
    } catch {
      // full
    }
  } finally {
    closeSync(fd);
  }
}
