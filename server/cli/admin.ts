// Operator and git-workflow commands of the `toolflow` CLI (SPEC §8): users, workspaces, keys, secrets, workflows.
// They use the same services as the app, on the database named by DATABASE_URL (default: the embedded SQLite file),
// migrating it first so they work before the server ever started.
import { readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Command } from "commander";
import { getAuth } from "../auth/auth";
import { asOperator } from "../auth/signup";
import { ensureAuthSecret, publicOrigins } from "../config";
import { getDb, type Db } from "../db/client";
import { migrate } from "../db/migrate";
import { databaseTarget } from "../db/url";
import { AppError } from "../errors";
import { createApiKey, listApiKeys, revokeApiKey } from "../services/apiKeys";
import { setSecret } from "../services/secrets";
import { exportWorkflow, importWorkflow, ImportProblems } from "../services/workflows";
import { listVersions, makeVersionLive, publishWorkflow, unpublishWorkflow } from "../services/versions";
import { addMember } from "../services/members";
import { createInvitation } from "../services/invitations";
import { createWorkspace } from "../services/workspaces";
import { updateSettings } from "../services/workspaceSettings";
import { projectRoot } from "../root";

const root = projectRoot;

/** A failure to report in one line, with the exit code. */
export class CliError extends Error {
  constructor(message: string, public readonly exitCode = 1) {
    super(message);
  }
}

export async function database(): Promise<Db> {
  await migrate(databaseTarget(), join(root, "prisma", "migrations"));
  return getDb();
}

async function readStdin(what: string): Promise<string> {
  if (process.stdin.isTTY) throw new CliError(`pipe the ${what} on standard input, e.g. printf '%s' "$VALUE" | toolflow …`);
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // A trailing newline from echo/heredoc is never part of a password or secret.
  return Buffer.concat(chunks).toString("utf8").replace(/\r?\n$/, "");
}

export async function workspaceId(db: Db, slug: string): Promise<string> {
  const row = await db.workspace.findUnique({ where: { slug }, select: { id: true } });
  if (!row) throw new CliError(`no workspace "${slug}" (create it with: toolflow workspace create ${slug})`);
  return row.id;
}

/** Runs a command body, turning known errors into one clear line on stderr and the exit code. */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void>) {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (error instanceof ImportProblems) {
        process.stderr.write(`${error.message}\n`);
        process.exitCode = 1;
      } else if (error instanceof CliError || error instanceof AppError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = error instanceof CliError ? error.exitCode : 1;
      } else throw error;
    } finally {
      await getDb().$disconnect().catch(() => undefined);
    }
  };
}

export const out = (line: string) => process.stdout.write(`${line}\n`);

/** A file given on the command line, parsed as JSON, or a one-line error naming it. */
export function readJsonFile(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`);
  }
}

/** `--to 2` or `--to v2` of a rollback. */
export function versionNumber(to: string): number {
  const number = Number(to.replace(/^v/, ""));
  if (!Number.isInteger(number) || number < 1) throw new CliError(`--to must be a version number like 2 (got "${to}")`);
  return number;
}

/** One line of `… versions`: number, whether live, when, and the note. */
export const versionLine = (v: { number: number; live: boolean; createdAt: Date; note: string }) =>
  `v${v.number}${v.live ? "  live" : "      "}  ${v.createdAt.toISOString()}  ${v.note}`;

export function registerAdminCommands(program: Command): void {
  const user = program.command("user").description("manage user accounts");
  user
    .command("create <email>")
    .description("create an account (password read from standard input)")
    .option("--name <name>", "display name (default: the part of the email before @)")
    .requiredOption("--password-stdin", "read the password from standard input")
    .action(
      action(async (email: string, options: { name?: string }) => {
        const password = await readStdin("password");
        await database();
        ensureAuthSecret();
        try {
          // The operator makes accounts whatever TOOLFLOW_SIGNUP says (in closed mode, only this way).
          const result = await asOperator(() => getAuth().api.signUpEmail({ body: { email, password, name: options.name ?? email.split("@")[0]! } }));
          out(`created user ${result.user.email}`);
        } catch (error) {
          const message = (error as { body?: { message?: string }; message?: string }).body?.message ?? (error as Error).message;
          throw new CliError(`could not create user ${email}: ${message}`);
        }
      }),
    );

  const workspace = program.command("workspace").description("manage workspaces");
  workspace
    .command("create <slug>")
    .description("create a workspace")
    .option("--name <name>", "display name (default: the slug)")
    .requiredOption("--owner <email>", "the account that owns it")
    .action(
      action(async (slug: string, options: { name?: string; owner: string }) => {
        const db = await database();
        const owner = await db.user.findUnique({ where: { email: options.owner.trim().toLowerCase() } });
        if (!owner) throw new CliError(`no user with the email ${options.owner} (create it with: toolflow user create ${options.owner} --password-stdin)`);
        const created = await createWorkspace(db, owner.id, { slug, name: options.name ?? slug });
        out(`created workspace ${created.slug} (owner ${owner.email})`);
      }),
    );
  workspace
    .command("add-member <slug> <email>")
    .description("add an existing user to a workspace")
    .option("--role <role>", "owner, editor or viewer", "editor")
    .action(
      action(async (slug: string, email: string, options: { role: string }) => {
        const db = await database();
        const member = await addMember(db, await workspaceId(db, slug), null, { email, role: options.role as "editor" });
        out(`added ${member.email} to ${slug} as ${member.role}`);
      }),
    );

  workspace
    .command("sqlite-dirs <slug> [dirs...]")
    .description("set the folders whose SQLite files this workspace's sql nodes may open (none: clear); operators only, as a file path reaches the server's disk")
    .action(
      action(async (slug: string, dirs: string[]) => {
        const db = await database();
        const settings = await updateSettings(db, await workspaceId(db, slug), { sqliteDirs: dirs.map((d) => resolve(d)) });
        out(settings.sqliteDirs.length ? `${slug} may open SQLite files under: ${settings.sqliteDirs.join(", ")}` : `${slug} may open no SQLite file`);
      }),
    );

  const invite = program.command("invite").description("manage invitation links (TOOLFLOW_SIGNUP=invite)");
  invite
    .command("create")
    .description("create an invitation link to a workspace and print it (shown once)")
    .requiredOption("--workspace <slug>")
    .option("--role <role>", "owner, editor or viewer", "editor")
    .option("--email <email>", "only this email address may use it")
    .option("--days <days>", "days until it expires", "7")
    .action(
      action(async (options: { workspace: string; role: string; email?: string; days: string }) => {
        const db = await database();
        const created = await createInvitation(db, await workspaceId(db, options.workspace), null, {
          role: options.role as "editor",
          email: options.email,
          expiresInDays: Number(options.days),
        });
        out(`${publicOrigins()[0]}${created.path}`);
        process.stderr.write(`invitation to ${options.workspace} as ${created.role}${created.email ? ` for ${created.email}` : ""}, expires ${created.expiresAt.toISOString()}\n`);
      }),
    );

  const key = program.command("key").description("manage MCP API keys");
  key
    .command("create")
    .description("create an API key and print it (shown once)")
    .requiredOption("--workspace <slug>")
    .requiredOption("--name <name>", "what the key is for, e.g. the client using it")
    .action(
      action(async (options: { workspace: string; name: string }) => {
        const db = await database();
        const created = await createApiKey(db, await workspaceId(db, options.workspace), null, { name: options.name });
        out(created.key);
      }),
    );
  key
    .command("list")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (options: { workspace: string }) => {
        const db = await database();
        for (const k of await listApiKeys(db, await workspaceId(db, options.workspace))) {
          out(`${k.prefix}…  ${k.name}  ${k.revokedAt ? "revoked" : "active"}  last used ${k.lastUsedAt?.toISOString() ?? "never"}`);
        }
      }),
    );
  key
    .command("revoke <prefix>")
    .description("revoke the key whose shown prefix (or id) this is")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (prefix: string, options: { workspace: string }) => {
        const db = await database();
        const id = await workspaceId(db, options.workspace);
        const matches = (await listApiKeys(db, id)).filter((k) => k.id === prefix || (prefix.length >= 6 && k.prefix.startsWith(prefix.replace(/…$/, ""))));
        if (matches.length !== 1) throw new CliError(matches.length ? `"${prefix}" matches ${matches.length} keys; give the whole prefix` : `no key "${prefix}" in ${options.workspace}`);
        await revokeApiKey(db, id, null, matches[0]!.id);
        out(`revoked ${matches[0]!.prefix}… (${matches[0]!.name})`);
      }),
    );

  program
    .command("secret")
    .description("manage workspace secrets")
    .command("set <name>")
    .description("create or replace a secret (value read from standard input)")
    .requiredOption("--workspace <slug>")
    .option("--hosts <hosts>", "comma-separated hosts the value may be sent to (api.example.com, *.example.com, or * for any)")
    .option("--readable", "let expressions and code nodes read the value as secrets.NAME")
    .option("--no-readable", "only http auth and sql connections may use the value (the default for a new secret)")
    .action(
      action(async (name: string, options: { workspace: string; hosts?: string; readable?: boolean }) => {
        const value = await readStdin("secret value");
        const db = await database();
        const hosts = options.hosts === undefined ? undefined : options.hosts.split(",").map((h) => h.trim()).filter(Boolean);
        const saved = await setSecret(db, await workspaceId(db, options.workspace), null, name, value, { hosts, readable: options.readable });
        out(`secret ${name} set in ${options.workspace} (hosts: ${saved.hosts.join(", ") || "none"}; ${saved.readable ? "readable by workflows" : "not readable by workflows"})`);
      }),
    );

  const workflow = program.command("workflow").description("import, export, publish and roll back workflows");
  workflow
    .command("import <file>")
    .description("import a toolflow.workflow/v1 file (an existing name gets its draft replaced)")
    .requiredOption("--workspace <slug>")
    .option("--publish", "publish it as the next version")
    .option("--note <note>", "note for the published version", "")
    .action(
      action(async (file: string, options: { workspace: string; publish?: boolean; note: string }) => {
        const doc = readJsonFile(file);
        const db = await database();
        const id = await workspaceId(db, options.workspace);
        const imported = await importWorkflow(db, id, null, doc);
        out(`${imported.created ? "imported" : "updated draft of"} ${imported.name}`);
        if (options.publish) {
          const version = await publishWorkflow(db, id, null, imported.name, { note: options.note });
          out(`published ${imported.name} v${version.number}`);
        }
      }),
    );
  workflow
    .command("export <name>")
    .description("print a workflow's draft as a toolflow.workflow/v1 file")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (name: string, options: { workspace: string }) => {
        const db = await database();
        out(JSON.stringify(await exportWorkflow(db, await workspaceId(db, options.workspace), name), null, 2));
      }),
    );
  workflow
    .command("publish <name>")
    .requiredOption("--workspace <slug>")
    .option("--note <note>", "note for the version", "")
    .action(
      action(async (name: string, options: { workspace: string; note: string }) => {
        const db = await database();
        const version = await publishWorkflow(db, await workspaceId(db, options.workspace), null, name, { note: options.note });
        out(`published ${name} v${version.number}`);
      }),
    );
  workflow
    .command("unpublish <name>")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (name: string, options: { workspace: string }) => {
        const db = await database();
        await unpublishWorkflow(db, await workspaceId(db, options.workspace), null, name);
        out(`unpublished ${name}`);
      }),
    );
  workflow
    .command("versions <name>")
    .requiredOption("--workspace <slug>")
    .action(
      action(async (name: string, options: { workspace: string }) => {
        const db = await database();
        for (const v of await listVersions(db, await workspaceId(db, options.workspace), name)) out(versionLine(v));
      }),
    );
  workflow
    .command("rollback <name>")
    .description("make an earlier (or any) version live again")
    .requiredOption("--workspace <slug>")
    .requiredOption("--to <n>", "the version number to make live")
    .action(
      action(async (name: string, options: { workspace: string; to: string }) => {
        const number = versionNumber(options.to);
        const db = await database();
        await makeVersionLive(db, await workspaceId(db, options.workspace), null, name, number);
        out(`${name} v${number} is live`);
      }),
    );
}
