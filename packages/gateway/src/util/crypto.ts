/** WebCrypto helpers: they run unchanged on Workers, Node and Bun. */

const encoder = new TextEncoder();

export function toHex(bytes: ArrayBuffer | Uint8Array): string {
  const view = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  let out = "";
  for (const byte of view) out += byte.toString(16).padStart(2, "0");
  return out;
}

export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest("SHA-256", encoder.encode(text)));
}

/** A URL-safe random secret with `bytes` bytes of entropy and an optional prefix. */
export function randomSecret(prefix = "", bytes = 24): string {
  const raw = crypto.getRandomValues(new Uint8Array(bytes));
  let b64 = btoa(String.fromCharCode(...raw));
  b64 = b64.replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
  return prefix + b64;
}

/**
 * Compares two strings in time that depends only on their lengths, never on where they differ.
 * Callers compare fixed-length digests so that even the length says nothing about the secret.
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let diff = left.length ^ right.length;
  const length = Math.max(left.length, right.length);
  for (let i = 0; i < length; i++) diff |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return diff === 0;
}

const PBKDF2_ITERATIONS = 100_000; // the Workers WebCrypto ceiling

/** Slow password hash (PBKDF2-SHA256, random salt) in the form `pbkdf2$<iter>$<salt>$<hash>`. */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2$${iterations}$${toHex(salt)}$${await pbkdf2(password, salt, iterations)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, iterText, saltHex, hashHex] = stored.split("$");
  if (scheme !== "pbkdf2" || !iterText || !saltHex || !hashHex) return false;
  const salt = new Uint8Array(saltHex.match(/../g)?.map((h) => Number.parseInt(h, 16)) ?? []);
  const actual = await pbkdf2(password, salt, Number(iterText));
  return constantTimeEqual(actual, hashHex);
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<string> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits(
    { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
    material,
    256,
  );
  return toHex(bits);
}
