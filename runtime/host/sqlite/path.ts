// Which SQLite file a `sqlite:`/`file:` URL may open: only files inside the workspace's allowed folders.
import fs from "node:fs";
import path from "node:path";
import { HostError } from "../types";

/**
 * The file a `sqlite:`/`file:` URL names, if it lies inside one of `dirs` (after following symlinks).
 * Accepted: sqlite:/abs/file.db, sqlite:///abs/file.db, file:///abs/file.db, and relative paths (resolved against the
 * first allowed folder). `:memory:` needs no folder: it touches no file, and it runs in the same bounded database
 * process as a file (deadline, memory limit, statement rules), so it is allowed.
 */
export function resolveSqlitePath(rawUrl: string, dirs: string[] | undefined): string {
  let rest = rawUrl.replace(/^(sqlite|file):/i, "");
  if (rest.startsWith("//")) {
    rest = rest.slice(2);
    if (rest.toLowerCase().startsWith("localhost/")) rest = rest.slice("localhost".length);
    else if (!rest.startsWith("/")) throw new HostError("sql_invalid_url", `SQLite URL "${rawUrl}" names a remote host; write sqlite:/absolute/path/file.db`);
  }
  if (rest.includes("?") || rest.includes("#")) {
    throw new HostError("sql_invalid_url", `SQLite URL "${rawUrl}" may not have query parameters; write sqlite:/absolute/path/file.db`);
  }
  let file: string;
  try {
    file = decodeURIComponent(rest);
  } catch {
    throw new HostError("sql_invalid_url", `SQLite URL "${rawUrl}" has a malformed %-escape`);
  }
  if (file === ":memory:") return file;
  if (!file) throw new HostError("sql_invalid_url", `SQLite URL "${rawUrl}" has no file path`);
  if (file.includes("\0")) throw new HostError("sql_invalid_url", `SQLite URL "${rawUrl}" contains a NUL character`);
  const allowed = (dirs ?? []).filter((d) => d.trim() !== "");
  if (allowed.length === 0) {
    throw new HostError("sql_path_refused", "SQLite files are not enabled for this workspace: no folder is allowed for SQLite databases");
  }
  if (file.split(/[\\/]/).includes("..")) {
    throw new HostError("sql_path_refused", `SQLite path "${file}" may not contain ".." segments`);
  }
  const resolved = path.resolve(allowed[0]!, file);
  const inside = (candidate: string, roots: string[]) => roots.some((root) => candidate === root || candidate.startsWith(root.endsWith(path.sep) ? root : root + path.sep));
  const outside = () =>
    new HostError("sql_path_refused", `SQLite file "${file}" is outside the folders allowed for SQLite databases (${allowed.join(", ")})`);
  // Lexical check first, so the existence of files elsewhere is never revealed.
  if (!inside(resolved, allowed.map((d) => path.resolve(d)))) throw outside();
  let real: string;
  try {
    real = fs.realpathSync(resolved);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new HostError("sql_not_found", `SQLite file "${file}" does not exist`);
    throw new HostError("sql_path_refused", `SQLite file "${file}" cannot be opened: ${(error as Error).message}`);
  }
  const realRoots = allowed.flatMap((d) => {
    try {
      return [fs.realpathSync(d)];
    } catch {
      return [];
    }
  });
  // Then the real path: a symlink inside the folder must not lead to a file outside it.
  if (!inside(real, realRoots)) throw outside();
  if (!fs.statSync(real).isFile()) throw new HostError("sql_path_refused", `SQLite path "${file}" is not a file`);
  return real;
}
