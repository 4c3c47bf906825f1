// `toolflow connection …` (issue 15): import an API description into a connection (from a file or a URL fetched
// through the workspace's SSRF rules), list a workspace's connections, and make draft tools from operations. The
// same services as the app; errors are one line on stderr and exit code 1.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { createDraftTools, importOpenApi } from "../services/connectionDescriptions";
import { listConnections } from "../services/connections";
import { action, CliError, database, out, workspaceId } from "./admin";

const isUrl = (source: string) => /^https?:\/\//i.test(source);

export function registerConnectionCommands(program: Command): void {
  const connection = program.command("connection").description("manage connections to outside APIs and their descriptions");
  connection
    .command("import-openapi <source>")
    .description("import an OpenAPI 3.x or Swagger 2.0 description (a file, or an http(s) URL) into a connection, creating it if needed")
    .requiredOption("--workspace <slug>")
    .requiredOption("--name <name>", "the connection's name (lower-case letters, digits, _ and -)")
    .option("--base-url <url>", "where its requests go (default: the description's first server, for a new connection)")
    .action(
      action(async (source: string, options: { workspace: string; name: string; baseUrl?: string }) => {
        let text: string | undefined;
        if (!isUrl(source)) {
          try {
            text = readFileSync(source, "utf8");
          } catch (error) {
            throw new CliError(`cannot read ${source}: ${(error as Error).message}`);
          }
        }
        const db = await database();
        const id = await workspaceId(db, options.workspace);
        const result = await importOpenApi(db, id, null, {
          name: options.name,
          ...(text !== undefined ? { text } : { url: source }),
          ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
        });
        const base = result.connection.baseUrl ? `base URL ${result.connection.baseUrl}` : "no base URL yet (set one with --base-url)";
        out(`${result.created ? "created" : "updated"} connection ${options.name} in ${options.workspace}: ${result.operationCount} operation${result.operationCount === 1 ? "" : "s"} from "${result.connection.api?.title}", ${base}`);
        for (const warning of result.warnings.slice(0, 10)) process.stderr.write(`warning: ${warning.message}\n`);
        if (result.warnings.length > 10) process.stderr.write(`(${result.warnings.length - 10} more warnings)\n`);
      }),
    );
  connection
    .command("list")
    .description("list the workspace's connections and whether each is ready")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (options: { workspace: string }) => {
        const db = await database();
        const connections = await listConnections(db, await workspaceId(db, options.workspace));
        if (!connections.length) out(`no connections in ${options.workspace}`);
        for (const c of connections) {
          const status = c.status.state === "ready" ? "ready" : `${c.status.state.replace(/_/g, " ")}: ${c.status.message ?? ""}`.trim();
          out(`${c.name}  ${c.auth.kind}  ${c.baseUrl || "(no base URL)"}  ${c.api ? `${c.api.operationCount} operations` : "no description"}  ${status}`);
        }
      }),
    );
  connection
    .command("tools <name>")
    .description("make one draft workflow (not published) per operation of the connection")
    .requiredOption("--workspace <slug>")
    .requiredOption("--operations <ids...>", "the operationIds, separated by spaces")
    .action(
      action(async (name: string, options: { workspace: string; operations: string[] }) => {
        const db = await database();
        const created = await createDraftTools(db, await workspaceId(db, options.workspace), null, name, options.operations.flatMap((o) => o.split(",")).filter(Boolean));
        for (const tool of created) out(`created draft ${tool.name} for ${tool.operationId}`);
        process.stderr.write(`publish them with: toolflow workflow publish <name> --workspace ${options.workspace}\n`);
      }),
    );
}
