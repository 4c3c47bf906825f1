import { z } from "zod";
import { defineNode, DEFAULT_OUTPUT } from "./types";
import { orExpression, SecretName } from "./common";
import { arrayShape, objectShape, valueShape } from "../model/shapes";

const params = z.object({
  connection: SecretName,
  query: z.string().min(1, "write the SQL query (use $1, $2… for values)"),
  params: z.array(z.unknown()).default([]),
  readOnly: z.boolean().default(true),
  maxRows: orExpression(z.number().int().min(1).max(100_000)).default(1000),
});

export const sqlNode = defineNode({
  type: "sql",
  category: "integration",
  label: "SQL query",
  icon: "M4 6a8 3 0 1 0 16 0a8 3 0 1 0-16 0M4 6v12a8 3 0 0 0 16 0V6M4 12a8 3 0 0 0 16 0",
  initialParams: { readOnly: true, maxRows: 1000 },
  onErrorApplies: true,
  allowedInLoop: true,
  containsSteps: false,
  description: "Runs a parameterised query on PostgreSQL, MySQL/MariaDB or SQLite. Read-only unless you turn that off.",
  params,
  // The query text is raw on purpose: values go through `params` as bound parameters, never spliced into SQL.
  rawParams: ["connection", "query"],
  form: [
    { key: "connection", kind: "secret", label: "Connection", required: true, help: "A workspace secret holding the connection URL (postgres://…, mysql://…, sqlite:/path)." },
    { key: "query", kind: "code", language: "sql", label: "Query", required: true, help: "Use $1, $2… for values; never put {{ }} inside SQL." },
    { key: "params", kind: "list", label: "Parameters", help: "Values for $1, $2…; each may be an expression." },
    { key: "readOnly", kind: "boolean", label: "Read only", default: true },
    { key: "maxRows", kind: "number", label: "Max rows", default: 1000 },
  ],
  handles: { acceptsInput: true, outputs: () => DEFAULT_OUTPUT },
  output: { description: "`{ rows, rowCount }`: rows as objects keyed by column name." },
  outputShape: () => objectShape({ rows: arrayShape(objectShape({}, false)), rowCount: valueShape("number") }),
  hostSecrets: (p) => [p.connection],
  compile: () => `return await rt.host("sql", { connection: p.connection, query: p.query, params: p.params, readOnly: p.readOnly, maxRows: p.maxRows });`,
});
