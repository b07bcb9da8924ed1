/** WebCrypto helpers: they run unchanged on Workers, Node and Bun. */
import { pbkdf2Sha256 } from "./pbkdf2.js";

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

/**
 * PBKDF2-SHA256 iterations of new password hashes on Node and Bun: OWASP's current figure.
 * Workers pass {@link WORKERS_PASSWORD_ITERATIONS}: workerd refuses more in WebCrypto.
 */
export const DEFAULT_PASSWORD_ITERATIONS = 600_000;
/** The most PBKDF2 iterations workerd's WebCrypto accepts. */
export const WORKERS_PASSWORD_ITERATIONS = 100_000;
/** Stored hashes asking for more are refused unread (a corrupt or hostile record must not pin the CPU). */
const MAX_ITERATIONS = 10_000_000;

export interface PasswordHashParams {
  algorithm: "pbkdf2-sha256";
  iterations: number;
  salt: Uint8Array;
  hash: Uint8Array;
}

/**
 * Slow password hash, self-describing: `pbkdf2-sha256$i=<iterations>$<salt hex>$<hash hex>`
 * (16-byte random salt, 32-byte hash). Any runtime verifies it, whatever runtime made it.
 */
export async function hashPassword(password: string, iterations = DEFAULT_PASSWORD_ITERATIONS): Promise<string> {
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new Error(`PBKDF2 iterations must be an integer from 1 to ${MAX_ITERATIONS}, got ${iterations}.`);
  }
  const salt = crypto.getRandomValues(new Uint8Array(16));
  return `pbkdf2-sha256$i=${iterations}$${toHex(salt)}$${toHex(await pbkdf2(password, salt, iterations, 32))}`;
}

/**
 * Reads a stored hash: today's `pbkdf2-sha256$i=<n>$<salt>$<hash>`, and the first format,
 * `pbkdf2$<n>$<salt>$<hash>` (SHA-256 implied). Undefined for anything else.
 */
export function parsePasswordHash(stored: string): PasswordHashParams | undefined {
  const [scheme, iterText, saltHex, hashHex, extra] = stored.split("$");
  if (extra !== undefined || !iterText || !saltHex || !hashHex) return undefined;
  let digits: string;
  if (scheme === "pbkdf2-sha256" && iterText.startsWith("i=")) digits = iterText.slice(2);
  else if (scheme === "pbkdf2") digits = iterText;
  else return undefined;
  if (!/^[1-9]\d{0,7}$/.test(digits) || Number(digits) > MAX_ITERATIONS) return undefined;
  const salt = fromHex(saltHex);
  const hash = fromHex(hashHex);
  if (!salt || !hash || hash.length === 0) return undefined;
  return { algorithm: "pbkdf2-sha256", iterations: Number(digits), salt, hash };
}

/**
 * Whether a stored hash differs from what this runtime writes: an older format, or another
 * iteration count (weaker, or too slow to verify here: 600,000 on a Worker).
 */
export function needsRehash(stored: string, iterations: number): boolean {
  const params = parsePasswordHash(stored);
  return !params || !stored.startsWith("pbkdf2-sha256$") || params.iterations !== iterations;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const params = parsePasswordHash(stored);
  if (!params) return false;
  const actual = await pbkdf2(password, params.salt, params.iterations, params.hash.length);
  return constantTimeEqual(toHex(actual), toHex(params.hash));
}

function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-f]*$/i.test(hex)) return undefined;
  return Uint8Array.from(hex.match(/../g) ?? [], (h) => Number.parseInt(h, 16));
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number, length: number): Promise<Uint8Array> {
  const secret = encoder.encode(password);
  try {
    const material = await crypto.subtle.importKey("raw", secret, "PBKDF2", false, ["deriveBits"]);
    const bits = await crypto.subtle.deriveBits(
      { name: "PBKDF2", hash: "SHA-256", salt: salt as BufferSource, iterations },
      material,
      length * 8,
    );
    return new Uint8Array(bits);
  } catch (error) {
    // workerd refuses more than 100,000 iterations (NotSupportedError): compute it in JavaScript.
    if (iterations <= WORKERS_PASSWORD_ITERATIONS) throw error;
    return pbkdf2Sha256(secret, salt, iterations, length);
  }
}
