// Structured logs: every line is one JSON object with a level name, time and message; credentials never survive into
// a finished line, whether as a field named like one, a value shaped like one, or a secret value this process has
// decrypted (in any encoding the run-record masker knows); request ids from callers are kept only when plain.
import { spawn } from "node:child_process";
import { IncomingMessage } from "node:http";
import { resolve } from "node:path";
import pg from "pg";
import { Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { captureConsole, createLogger, logLevel } from "../../server/ops/log";
import { redactLine, rememberSecrets } from "../../server/ops/redact";
import { assignRequestId } from "../../server/ops/request-id";
import { resolveSecrets, setSecret } from "../../server/services/secrets";
import { createWorkspace } from "../../server/services/workspaces";
import { createTestDatabase, createUser, type TestDatabase } from "../helpers/database";

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe("log lines", () => {
  it("are JSON objects with a level name, an ISO time, the message and the fields", () => {
    const { logger, parsed } = capture();
    logger.info({ reqId: "r-1", runId: "run-1", workspace: "acme" }, "tool call finished");
    logger.error({ err: new Error("the disk is full") }, "could not record a run");
    const [info, error] = parsed();
    expect(info).toMatchObject({ level: "info", msg: "tool call finished", reqId: "r-1", runId: "run-1", workspace: "acme", pid: process.pid });
    expect(new Date(info!.time as string).toISOString()).toBe(info!.time);
    expect(error).toMatchObject({ level: "error", err: { type: "Error", message: "the disk is full" } });
  });

  it("replace fields named like credentials, at the top and one level down", () => {
    const { logger, lines } = capture();
    logger.info(
      {
        authorization: "Bearer abc",
        headers: { authorization: "Basic dXNlcjpwYXNz", cookie: "a=b", "set-cookie": ["sid=1"] },
        req: { headers: { cookie: "sid=2" } },
        options: { password: "pw-one", connectionString: "host=db password=pw-two", apiKey: "k-3", token: "t-4" },
      },
      "request",
    );
    const line = lines[0]!;
    for (const leaked of ["Bearer abc", "dXNlcjpwYXNz", "a=b", "sid=1", "sid=2", "pw-one", "pw-two", "k-3", "t-4"]) expect(line).not.toContain(leaked);
    expect(JSON.parse(line).options.password).toBe("[redacted]");
  });

  it("replace credential fields in any case and inside objects of any kind, without changing the caller's objects", () => {
    const { logger, lines } = capture();
    class Options {
      Password = "pw-class";
      host = "db.internal";
    }
    const fields = { ApiKey: "k-upper", options: new Options(), req: { Headers: { "Set-Cookie": "sid=3", accept: "*/*" } }, kept: { note: "fine" } };
    logger.info(fields, "request");
    const line = JSON.parse(lines[0]!);
    for (const leaked of ["k-upper", "pw-class", "sid=3"]) expect(lines[0]).not.toContain(leaked);
    expect(line).toMatchObject({ ApiKey: "[redacted]", options: { Password: "[redacted]", host: "db.internal" }, req: { Headers: { "Set-Cookie": "[redacted]", accept: "*/*" } }, kept: { note: "fine" } });
    // The caller's objects are as they were.
    expect(fields.ApiKey).toBe("k-upper");
    expect(fields.options.Password).toBe("pw-class");
    expect(fields.req.Headers["Set-Cookie"]).toBe("sid=3");
  });

  it("lose anything shaped like a credential, in messages and error texts alike", () => {
    const { logger, lines } = capture();
    const jwt = "eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c2VyXzEiLCJhdWQiOiJodHRwOi8vaCJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ";
    const key = "tf_Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdoaWo";
    logger.warn({ err: new Error(`connect to postgresql://toolflow:s3cret-pass@db.internal:5432/prod failed`) }, `upstream said: Authorization: Bearer ${jwt}`);
    logger.info({ note: `key ${key} and cookie better-auth.session_token=abcdef123456; path=/`, dsn: "host=db user=x password=hunter22 dbname=y" }, "x");
    const text = lines.join("");
    for (const leaked of [jwt, "s3cret-pass", key, "abcdef123456", "hunter22"]) expect(text).not.toContain(leaked);
    expect(text).toContain("postgresql://toolflow:[redacted]@db.internal");
    expect(text).toContain("tf_[redacted]");
    for (const line of lines) JSON.parse(line);
  });

  it("never carry a remembered secret value, raw or encoded", () => {
    const value = 'crm "live" token/7d3f+9a2';
    rememberSecrets([value]);
    const { logger, lines } = capture();
    logger.error({ err: new Error(`upstream rejected ${value}`), url: `https://crm.example/?t=${encodeURIComponent(value)}`, basic: Buffer.from(value).toString("base64") }, `retrying with ${value}`);
    const text = lines.join("");
    expect(text).not.toContain(JSON.stringify(value).slice(1, -1));
    expect(text).not.toContain(encodeURIComponent(value));
    expect(text).not.toContain(Buffer.from(value).toString("base64"));
    expect(text).toContain("••••");
    JSON.parse(lines[0]!);
  });

  it("take what other code prints with console, redacted like the rest", () => {
    const saved = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error };
    const { logger, parsed } = capture();
    try {
      captureConsole(logger);
      console.log("✓ Running next.config.js took %d ms", 147);
      console.error("fetch failed for", { url: "https://u:hunter22@crm.example/x" });
    } finally {
      Object.assign(console, saved);
    }
    expect(parsed()).toMatchObject([
      { level: "info", source: "console", msg: "✓ Running next.config.js took 147 ms" },
      { level: "error", source: "console", msg: expect.stringContaining("https://u:[redacted]@crm.example/x") },
    ]);
  });

  it("mask the longest remembered secret where one contains another", () => {
    rememberSecrets(["alpha-bravo", "alpha-bravo-charlie-delta"]);
    expect(redactLine("x alpha-bravo-charlie-delta y alpha-bravo z")).toBe("x •••• y •••• z");
  });

  it("redacts without breaking lines that hold nothing secret", () => {
    const line = '{"level":"info","msg":"tool call finished","status":"ok"}\n';
    expect(redactLine(line)).toBe(line);
  });
});

describe("the secrets service", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    process.env.TOOLFLOW_SECRET_KEY ??= "5a".repeat(32);
  });
  afterAll(async () => database?.cleanup());

  it("has every value it decrypts masked in log lines from then on", async () => {
    const owner = await createUser(database.db);
    const workspace = await createWorkspace(database.db, owner.id, { name: "Acme", slug: "acme-log" });
    const value = "warehouse-password-91c2e7";
    await setSecret(database.db, workspace.id, owner.id, "WAREHOUSE", value, { hosts: ["db.example.com"] });
    const { logger, lines } = capture();
    logger.info({ detail: value }, "before");
    expect(lines[0]).toContain(value);
    await resolveSecrets(database.db, workspace.id, ["WAREHOUSE"]);
    logger.info({ detail: value }, "after");
    expect(lines[1]).not.toContain(value);
  });
});

describe("TOOLFLOW_LOG_LEVEL", () => {
  const env = (vars: Record<string, string>) => vars as NodeJS.ProcessEnv;
  it("defaults to info and takes pino's level names in any case", () => {
    expect(logLevel(env({}))).toBe("info");
    expect(logLevel(env({ TOOLFLOW_LOG_LEVEL: "DEBUG" }))).toBe("debug");
    expect(logLevel(env({ TOOLFLOW_LOG_LEVEL: "silent" }))).toBe("silent");
  });
  it("refuses anything else in a sentence naming the variable", () => {
    expect(() => logLevel(env({ TOOLFLOW_LOG_LEVEL: "verbose" }))).toThrow(/TOOLFLOW_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent \(got "verbose"\)/);
  });
});

describe("request ids", () => {
  const request = (raw: string[]) => {
    const req = new IncomingMessage(new Socket());
    req.rawHeaders = raw;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!.toLowerCase();
      req.headers[name] = req.headers[name] ? `${req.headers[name]}, ${raw[i + 1]}` : raw[i + 1];
    }
    return req;
  };
  const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it("keeps a caller's short, plain id", () => {
    const req = request(["Host", "x", "X-Request-Id", "lb-7f3a.2:9"]);
    expect(assignRequestId(req)).toBe("lb-7f3a.2:9");
    expect(req.rawHeaders).toEqual(["Host", "x", "X-Request-Id", "lb-7f3a.2:9"]);
  });

  it("replaces a missing, long, odd or repeated id with a new one, in the headers code downstream reads", () => {
    for (const raw of [[], ["x-request-id", "a".repeat(65)], ["X-Request-Id", '"><script>'], ["X-Request-Id", "one two"], ["X-Request-Id", "a", "x-request-id", "b"]]) {
      const req = request(["Host", "x", ...raw]);
      const id = assignRequestId(req);
      expect(id, JSON.stringify(raw)).toMatch(UUID);
      expect(req.headers["x-request-id"]).toBe(id);
      expect(req.rawHeaders).toEqual(["Host", "x", "X-Request-Id", id]);
    }
  });
});

describe("errors in log lines", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
  });
  afterAll(async () => database?.cleanup());

  it("keep a Prisma error's code and its driver's, bounded, without the adapter's objects", async () => {
    const { logger, lines, parsed } = capture();
    // A real one: Prisma through the SQLite driver adapter, refusing a duplicate key.
    const error = await database.db
      .$executeRawUnsafe(`INSERT INTO "_toolflow_migrations" ("name", "appliedAt") SELECT "name", 'x' FROM "_toolflow_migrations" LIMIT 1`)
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // What the long ones look like: a query or a row quoted in full.
    (error as Error).message += ` ${"SELECT ".repeat(20_000)}`;
    logger.error({ err: error }, "could not record a run");
    const { err } = parsed()[0] as { err: Record<string, unknown> };
    expect(err).toMatchObject({
      type: "PrismaClientKnownRequestError",
      code: "P2010",
      driverAdapterError: { kind: "UniqueConstraintViolation", code: "SQLITE_CONSTRAINT_PRIMARYKEY", message: expect.stringContaining("UNIQUE constraint failed") },
    });
    expect(Object.keys(err).sort()).toEqual(["code", "driverAdapterError", "message", "stack", "type"]);
    expect((err.message as string).length).toBeLessThan(600);
    expect((err.stack as string).split("\n").length).toBeLessThanOrEqual(7);
    expect(lines[0]!.length).toBeLessThan(4_000);
  });

  it("never carry the client a pg error came with, nor its connection string", () => {
    const { logger, lines, parsed } = capture();
    const client = new pg.Client({ connectionString: "postgresql://toolflow:pg-s3cret@db.internal:5432/prod" });
    const error = Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET", client, pool: { clients: [client] } });
    const wrapped = new Error("could not write run records", { cause: error });
    logger.error({ err: error }, "MCP relay: could not pass a message to the other replicas");
    logger.error({ err: wrapped }, "nested");
    logger.error({ err: { message: "plain", code: 40001, client } }, "not an Error");
    const [direct, nested, plain] = parsed() as Array<{ err: Record<string, unknown> }>;
    expect(direct!.err).toMatchObject({ type: "Error", message: "Connection terminated unexpectedly", code: "ECONNRESET" });
    expect(nested!.err).toMatchObject({ message: "could not write run records", cause: { code: "ECONNRESET" } });
    expect(plain!.err).toEqual({ type: "Object", message: "plain", code: 40001 });
    const text = lines.join("");
    for (const leaked of ["client", "pool", "db.internal", "pg-s3cret", "connectionParameters", "_events"]) expect(text).not.toContain(leaked);
    for (const line of lines) expect(line.length).toBeLessThan(4_000);
  });
});

describe("the server's log on stdout", () => {
  it("lets the process exit when stdout's reader is gone (a write that fails is not retried forever)", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", resolve(import.meta.dirname, "../fixtures/log-exit-child.ts")], { stdio: ["pipe", "pipe", "inherit"] });
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
    await new Promise<void>((ready) => child.stdout!.once("data", () => ready()));
    // The reader goes away; the child's next writes fail with EPIPE, and it exits with lines still buffered.
    child.stdout!.destroy();
    child.stdin!.end("go");
    const timedOut = new Promise<"hung">((done) => setTimeout(() => done("hung"), 60_000).unref());
    const outcome = await Promise.race([exited, timedOut]);
    if (outcome === "hung") child.kill("SIGKILL");
    expect(outcome).toBe(0);
  });
});
