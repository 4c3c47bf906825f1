import { describe, expect, it } from "vitest";
import { scanPlaceholders } from "../../../runtime/host/sql-placeholders";

describe("scanPlaceholders", () => {
  it("translates $n to ? in the order used, for MySQL and SQLite", () => {
    for (const dialect of ["mysql", "sqlite"] as const) {
      const scanned = scanPlaceholders("SELECT * FROM t WHERE b = $2 AND a = $1 OR a = $1", dialect);
      expect(scanned.text).toBe("SELECT * FROM t WHERE b = ? AND a = ? OR a = ?");
      expect(scanned.order).toEqual([2, 1, 1]);
      expect(scanned.maxIndex).toBe(2);
    }
  });

  it("keeps PostgreSQL text as written", () => {
    const scanned = scanPlaceholders("SELECT $1::int + $10", "postgres");
    expect(scanned.text).toBe("SELECT $1::int + $10");
    expect(scanned.maxIndex).toBe(10);
  });

  it("does not read $n inside strings, identifiers or comments", () => {
    expect(scanPlaceholders(`SELECT 'a $1 ''$2''', "x$3", [$4], \`$5\` -- $6\n/* $7 */ FROM t`, "sqlite").maxIndex).toBe(0);
    expect(scanPlaceholders(`SELECT 'it\\'s $1', "$2" # $3\n`, "mysql").maxIndex).toBe(0);
    expect(scanPlaceholders("SELECT E'\\' $1', $q$ $2 $q$, $$ $3 $$, /* a /* nested $4 */ $5 */ 1", "postgres").maxIndex).toBe(0);
  });

  it("treats $n glued to an identifier as part of it", () => {
    expect(scanPlaceholders("SELECT price$1 FROM t", "postgres").maxIndex).toBe(0);
  });

  it("follows each dialect's backslash rule", () => {
    // Standard SQL strings: a backslash is an ordinary character, so the string ends after it.
    expect(scanPlaceholders("SELECT 'a\\', $1", "postgres").maxIndex).toBe(1);
    expect(scanPlaceholders("SELECT 'a\\', $1", "sqlite").maxIndex).toBe(1);
    // MySQL: \' escapes the quote, so $1 is still inside the string.
    expect(scanPlaceholders("SELECT 'a\\', $1'", "mysql").maxIndex).toBe(0);
  });

  it("MySQL needs a space after -- for a comment", () => {
    expect(scanPlaceholders("SELECT 1--$1", "mysql").maxIndex).toBe(1);
    expect(scanPlaceholders("SELECT 1 -- $1", "mysql").maxIndex).toBe(0);
  });

  it("counts bare ? in code but not in strings, and blanks literals in code", () => {
    expect(scanPlaceholders("SELECT ? , '?'", "sqlite").questionMarks).toBe(1);
    expect(scanPlaceholders("SELECT data ? 'key'", "postgres").questionMarks).toBe(0);
    expect(scanPlaceholders("/* c */ ATTACH 'x' AS y", "sqlite").code.trim()).toBe("ATTACH   AS y");
  });

  it("survives unterminated literals", () => {
    expect(scanPlaceholders("SELECT 'open $1", "sqlite").maxIndex).toBe(0);
    expect(scanPlaceholders("SELECT $$ open $1", "postgres").maxIndex).toBe(0);
  });
});
