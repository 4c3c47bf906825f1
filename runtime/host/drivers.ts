// The database drivers other than SQLite, loaded the first time a workflow or the database needs one: a process on
// SQLite whose workflows query no other database never reads them (they were ~90 ms of a cold start).
import { createRequire } from "node:module";
import type Mysql from "mysql2";
import type Pg from "pg";

const load = createRequire(import.meta.url);

export function pgDriver(): typeof Pg {
  return load("pg") as typeof Pg;
}

export function mysqlDriver(): typeof Mysql {
  return load("mysql2") as typeof Mysql;
}
