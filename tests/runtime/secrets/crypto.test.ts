import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, loadMasterKey, SecretCryptoError } from "../../../runtime/secrets/crypto";

const key = randomBytes(32);
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "toolflow-key-"));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

function caught(fn: () => unknown): SecretCryptoError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SecretCryptoError);
    return error as SecretCryptoError;
  }
  throw new Error("expected an error");
}

describe("encryptSecret / decryptSecret", () => {
  it("round-trips, including unicode and empty values", () => {
    for (const plaintext of ["sk-live-123", "", "pässwörd 🔑", "x".repeat(10_000)]) {
      const blob = encryptSecret(key, plaintext);
      expect(blob.startsWith("v1:")).toBe(true);
      expect(decryptSecret(key, blob)).toBe(plaintext);
    }
  });

  it("uses a fresh IV each time and never contains the plaintext", () => {
    const a = encryptSecret(key, "same value");
    const b = encryptSecret(key, "same value");
    expect(a).not.toBe(b);
    expect(Buffer.from(a.slice(3), "base64").toString("latin1")).not.toContain("same value");
    // iv (12) + tag (16) + ciphertext (10)
    expect(Buffer.from(a.slice(3), "base64")).toHaveLength(12 + 16 + 10);
  });

  it("detects tampering with any byte", () => {
    const blob = encryptSecret(key, "sk-live-123");
    const raw = Buffer.from(blob.slice(3), "base64");
    for (const index of [0, 12, 20, raw.length - 1]) {
      const copy = Buffer.from(raw);
      copy[index] = copy[index]! ^ 1;
      const error = caught(() => decryptSecret(key, `v1:${copy.toString("base64")}`));
      expect(error.code).toBe("decrypt_failed");
      expect(error.message).toBe("encrypted secret could not be decrypted: it was altered, or it was encrypted with a different master key");
    }
  });

  it("fails with a different key", () => {
    const error = caught(() => decryptSecret(randomBytes(32), encryptSecret(key, "x")));
    expect(error.code).toBe("decrypt_failed");
  });

  it("binds the blob to its aad when given", () => {
    const blob = encryptSecret(key, "token", "ws_1/STRIPE");
    expect(decryptSecret(key, blob, "ws_1/STRIPE")).toBe("token");
    expect(caught(() => decryptSecret(key, blob, "ws_2/STRIPE")).code).toBe("decrypt_failed");
    expect(caught(() => decryptSecret(key, blob)).code).toBe("decrypt_failed");
  });

  it.each([
    ["plain text", 'encrypted secret has an unknown format (expected it to start with "v1:")'],
    ["v2:AAAA", 'encrypted secret has an unknown format (expected it to start with "v1:")'],
    ["v1:not base64!", "encrypted secret is not valid base64"],
    ["v1:AAAA", "encrypted secret is truncated"],
  ])("rejects the malformed blob %j", (blob, message) => {
    expect(caught(() => decryptSecret(key, blob)).message).toBe(message);
  });

  it("rejects keys of the wrong size", () => {
    expect(caught(() => encryptSecret(randomBytes(16), "x")).message).toBe("the secret master key must be 32 bytes, got 16");
  });
});

describe("loadMasterKey", () => {
  it("reads TOOLFLOW_SECRET_KEY as base64", () => {
    const k = randomBytes(32);
    expect(loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: k.toString("base64") } }).equals(k)).toBe(true);
    expect(loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: ` ${k.toString("base64url")}\n` } }).equals(k)).toBe(true);
  });

  it("reads TOOLFLOW_SECRET_KEY as 64 hex characters", () => {
    const k = randomBytes(32);
    expect(loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: k.toString("hex") } }).equals(k)).toBe(true);
    expect(loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: k.toString("hex").toUpperCase() } }).equals(k)).toBe(true);
  });

  it.each(["short", randomBytes(16).toString("base64"), randomBytes(31).toString("hex"), randomBytes(33).toString("base64"), "z".repeat(64)])(
    "rejects the env key %j, saying the expected form",
    (value) => {
      const error = caught(() => loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: value }, dataDir: tmpRoot }));
      expect(error.code).toBe("bad_key");
      expect(error.message).toBe(
        "TOOLFLOW_SECRET_KEY is not a valid key: it must be 32 random bytes written as 64 hex characters or as base64 (44 characters), e.g. the output of `openssl rand -base64 32`",
      );
    },
  );

  it("creates <dataDir>/secret.key with mode 0600 on first use and reuses it", () => {
    const dataDir = path.join(tmpRoot, "fresh", "data");
    const first = loadMasterKey({ env: {}, dataDir });
    const file = path.join(dataDir, "secret.key");
    expect(first).toHaveLength(32);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dataDir)).toEqual(["secret.key"]); // no temporary file left behind
    const second = loadMasterKey({ env: {}, dataDir });
    expect(second.equals(first)).toBe(true);
    // A blob written with the first load decrypts with the second.
    expect(decryptSecret(second, encryptSecret(first, "persisted"))).toBe("persisted");
  });

  it("gives every process the same key when several start at once", async () => {
    const dataDir = path.join(tmpRoot, "race");
    const cryptoModule = path.resolve("runtime/secrets/crypto.ts");
    const code = `import(${JSON.stringify(cryptoModule)}).then((m) => console.log(m.loadMasterKey({ env: {}, dataDir: ${JSON.stringify(dataDir)} }).toString("hex")))`;
    const run = () =>
      promisify(execFile)(process.execPath, ["--import", "tsx", "-e", code], { env: { ...process.env, TOOLFLOW_SECRET_KEY: "" }, encoding: "utf8" });
    const outputs = await Promise.all([run(), run(), run(), run()]);
    const keys = new Set(outputs.map((o) => String(o.stdout).trim()));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^[0-9a-f]{64}$/);
    expect(fs.readdirSync(dataDir)).toEqual(["secret.key"]);
  });

  it("prefers the environment over the key file", () => {
    const dataDir = path.join(tmpRoot, "both");
    const fileKey = loadMasterKey({ env: {}, dataDir });
    const envKey = randomBytes(32);
    const loaded = loadMasterKey({ env: { TOOLFLOW_SECRET_KEY: envKey.toString("hex") }, dataDir });
    expect(loaded.equals(envKey)).toBe(true);
    expect(loaded.equals(fileKey)).toBe(false);
  });

  it("refuses a key file of the wrong length instead of replacing it", () => {
    const dataDir = path.join(tmpRoot, "bad");
    fs.mkdirSync(dataDir);
    const file = path.join(dataDir, "secret.key");
    fs.writeFileSync(file, randomBytes(16).toString("base64"), { mode: 0o600 });
    const error = caught(() => loadMasterKey({ env: {}, dataDir }));
    expect(error.code).toBe("key_file");
    expect(error.message).toBe(
      `key file ${file} does not hold a valid key (expected 32 random bytes written as 64 hex characters or as base64 (44 characters), e.g. the output of \`openssl rand -base64 32\`); restore the original file — secrets encrypted with another key cannot be decrypted`,
    );
    expect(fs.readFileSync(file, "utf8")).toHaveLength(24);
  });

  it("needs either the env key or a data directory", () => {
    expect(caught(() => loadMasterKey({ env: {} })).message).toBe("no secret master key: set TOOLFLOW_SECRET_KEY or give a data directory for secret.key");
  });
});
