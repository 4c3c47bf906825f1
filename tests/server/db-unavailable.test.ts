// Telling "the database is away" (try again shortly) from every other failure (an internal error).
import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable } from "../../server/db/unavailable";

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe("isDatabaseUnavailable", () => {
  it("recognises a database that is down, restarting or refusing connections, through Prisma's wrappers", () => {
    expect(isDatabaseUnavailable(withProps("connect ECONNREFUSED 127.0.0.1:5432", { code: "ECONNREFUSED" }))).toBe(true);
    expect(isDatabaseUnavailable(withProps("terminating connection due to administrator command", { code: "57P01" }))).toBe(true);
    expect(isDatabaseUnavailable(withProps("the database system is starting up", { code: "57P03" }))).toBe(true);
    expect(isDatabaseUnavailable(withProps("Invalid `prisma.workspace.findUnique()` invocation: Can't reach database server at 127.0.0.1:5432", { code: "P1001" }))).toBe(true);
    const adapter = withProps("DriverAdapterError", { cause: { kind: "postgres", originalCode: "57P01", originalMessage: "terminating connection" } });
    expect(isDatabaseUnavailable(adapter)).toBe(true);
    expect(isDatabaseUnavailable(withProps("request failed", { code: "P2010", meta: { driverAdapterError: { cause: { kind: "DatabaseNotReachable" } } } }))).toBe(true);
    expect(isDatabaseUnavailable(new Error("Connection terminated unexpectedly"))).toBe(true);
  });

  it("leaves bugs, bad queries and constraint violations alone", () => {
    expect(isDatabaseUnavailable(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe(false);
    expect(isDatabaseUnavailable(withProps("duplicate key value violates unique constraint", { code: "23505" }))).toBe(false);
    expect(isDatabaseUnavailable(withProps("Unique constraint failed", { code: "P2002" }))).toBe(false);
    expect(isDatabaseUnavailable(withProps("database or disk is full", { code: "SQLITE_FULL" }))).toBe(false);
    expect(isDatabaseUnavailable(undefined)).toBe(false);
  });
});
