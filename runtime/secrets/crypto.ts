// Encryption of workspace secrets at rest (SPEC §2: AES-256-GCM) and loading of the master key.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12; // the GCM standard nonce size
const TAG_BYTES = 16;
/** Prefix of every stored blob, so the format can change later without guessing what old rows hold. */
const VERSION_PREFIX = "v1:";
export const SECRET_KEY_ENV = "TOOLFLOW_SECRET_KEY";
export const SECRET_KEY_FILE = "secret.key";

export class SecretCryptoError extends Error {
  constructor(
    public readonly code: "bad_key" | "bad_blob" | "decrypt_failed" | "key_file",
    message: string,
  ) {
    super(message);
    this.name = "SecretCryptoError";
  }
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new SecretCryptoError("bad_key", `the secret master key must be ${KEY_BYTES} bytes, got ${Buffer.isBuffer(key) ? key.length : typeof key}`);
  }
}

/**
 * Encrypts with a fresh random IV. Returns `v1:` + base64(iv ‖ tag ‖ ciphertext).
 * `aad` (optional, e.g. `${workspaceId}/${secretName}`) binds the blob to its row: a blob copied to another
 * workspace or name then fails to decrypt instead of silently revealing its value there.
 */
export function encryptSecret(key: Buffer, plaintext: string, aad?: string): string {
  assertKey(key);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return VERSION_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ciphertext]).toString("base64");
}

/** Reverses {@link encryptSecret}; any change to the blob, the key or the aad is detected by the GCM tag. */
export function decryptSecret(key: Buffer, blob: string, aad?: string): string {
  assertKey(key);
  if (typeof blob !== "string" || !blob.startsWith(VERSION_PREFIX)) {
    throw new SecretCryptoError("bad_blob", `encrypted secret has an unknown format (expected it to start with "${VERSION_PREFIX}")`);
  }
  const body = blob.slice(VERSION_PREFIX.length);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(body)) {
    throw new SecretCryptoError("bad_blob", "encrypted secret is not valid base64");
  }
  const raw = Buffer.from(body, "base64");
  if (raw.length < IV_BYTES + TAG_BYTES) {
    throw new SecretCryptoError("bad_blob", "encrypted secret is truncated");
  }
  const decipher = createDecipheriv(ALGORITHM, key, raw.subarray(0, IV_BYTES), { authTagLength: TAG_BYTES });
  decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
  if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
  try {
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString("utf8");
  } catch {
    throw new SecretCryptoError(
      "decrypt_failed",
      "encrypted secret could not be decrypted: it was altered, or it was encrypted with a different master key",
    );
  }
}

/** Parses 64 hex characters or base64/base64url of exactly 32 bytes; anything else is null. */
export function parseMasterKey(text: string): Buffer | null {
  const s = text.trim();
  // Hex first: 64 hex characters are also valid base64 (of 48 bytes), which would be the wrong reading.
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, "hex");
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(s) || /^[A-Za-z0-9_-]+={0,2}$/.test(s)) {
    const decoded = Buffer.from(s, s.includes("-") || s.includes("_") ? "base64url" : "base64");
    if (decoded.length === KEY_BYTES) return decoded;
  }
  return null;
}

const EXPECTED_FORM = `${KEY_BYTES} random bytes written as 64 hex characters or as base64 (44 characters), e.g. the output of \`openssl rand -base64 32\``;

/**
 * The master key: `TOOLFLOW_SECRET_KEY` if set, else `<dataDir>/secret.key`, created on first use (mode 0600).
 * Losing the key makes every stored secret unreadable, so a malformed key is an error, never a silent regeneration.
 */
export function loadMasterKey(options: { env?: Record<string, string | undefined>; dataDir?: string } = {}): Buffer {
  const env = options.env ?? process.env;
  const fromEnv = env[SECRET_KEY_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    const key = parseMasterKey(fromEnv);
    if (!key) throw new SecretCryptoError("bad_key", `${SECRET_KEY_ENV} is not a valid key: it must be ${EXPECTED_FORM}`);
    return key;
  }
  if (!options.dataDir) {
    throw new SecretCryptoError("key_file", `no secret master key: set ${SECRET_KEY_ENV} or give a data directory for ${SECRET_KEY_FILE}`);
  }
  const file = path.join(options.dataDir, SECRET_KEY_FILE);
  if (!fs.existsSync(file)) createKeyFile(file);
  return readKeyFile(file);
}

function readKeyFile(file: string): Buffer {
  const key = parseMasterKey(fs.readFileSync(file, "utf8"));
  if (!key) {
    throw new SecretCryptoError(
      "key_file",
      `key file ${file} does not hold a valid key (expected ${EXPECTED_FORM}); restore the original file — secrets encrypted with another key cannot be decrypted`,
    );
  }
  return key;
}

/**
 * Writes a new key to a temporary file, then hard-links it into place: the link either appears complete or fails
 * with EEXIST, so two processes starting together never read a half-written key or overwrite each other's.
 */
function createKeyFile(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const content = randomBytes(KEY_BYTES).toString("base64") + "\n";
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  fs.writeFileSync(tmp, content, { mode: 0o600, flag: "wx" });
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") return; // another process won the race; its key is the one to use
    // Filesystems without hard links: exclusive create is still safe against overwriting an existing key.
    try {
      fs.writeFileSync(file, content, { mode: 0o600, flag: "wx" });
    } catch (fallbackError) {
      if ((fallbackError as NodeJS.ErrnoException).code !== "EEXIST") throw fallbackError;
    }
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
