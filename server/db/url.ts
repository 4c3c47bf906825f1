// Which database Toolflow talks to: `DATABASE_URL` (postgresql://… or file:…), else the embedded SQLite file
// `<data dir>/toolflow.db`. The data folder is `TOOLFLOW_DATA_DIR`, default `./data`.
import { isAbsolute, resolve } from "node:path";

export type DbProvider = "sqlite" | "postgresql";

export interface DatabaseTarget {
  provider: DbProvider;
  /** For SQLite: an absolute file path; for PostgreSQL: the connection URL. */
  url: string;
}

export function dataDir(env: NodeJS.ProcessEnv = process.env): string {
  return resolve(/*turbopackIgnore: true*/ env.TOOLFLOW_DATA_DIR ?? "data");
}

export function databaseTarget(env: NodeJS.ProcessEnv = process.env): DatabaseTarget {
  const url = env.DATABASE_URL?.trim();
  if (!url) return { provider: "sqlite", url: resolve(dataDir(env), "toolflow.db") };
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgresql", url };
  if (url.startsWith("file:")) {
    const path = url.slice("file:".length).replace(/^\/\/(?=\/)/, "");
    return { provider: "sqlite", url: isAbsolute(path) ? path : resolve(/*turbopackIgnore: true*/ path) };
  }
  throw new Error(
    `DATABASE_URL must start with postgresql://, postgres:// or file: (got "${url.replace(/:[^:@/]*@/, ":••••@")}")`,
  );
}
