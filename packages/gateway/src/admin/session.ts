/**
 * Signed session cookies: `<base64url(claims)>.<base64url(HMAC-SHA256)>` with a random signing
 * secret kept in storage (`auth.sessionSecret`). Sessions are stateless; each carries the epoch
 * of its role, and bumping the epoch (password change) ends every session issued before.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Storage } from "../spec/storage.js";
import { randomSecret } from "../util/crypto.js";

export const SESSION_SECRET = "auth.sessionSecret";
export const ADMIN_COOKIE = "keyhive_session";
export const GUEST_COOKIE = "keyhive_guest";

export type SessionRole = "admin" | "guest";

export interface SessionClaims {
  role: SessionRole;
  /** Expiry, epoch ms. */
  exp: number;
  /** The role's epoch when issued. */
  epoch: number;
}

const epochName = (role: SessionRole) => `auth.${role}SessionEpoch`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replaceAll("=", "");
}

function fromBase64Url(text: string): Uint8Array | undefined {
  try {
    const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
    return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
  } catch {
    return undefined;
  }
}

export interface SessionSignerOptions {
  storage: Storage;
  now: () => number;
}

export class SessionSigner {
  private key: Promise<CryptoKey> | undefined;

  constructor(private readonly options: SessionSignerOptions) {}

  async sign(claims: SessionClaims): Promise<string> {
    const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
    const signature = await crypto.subtle.sign("HMAC", await this.signingKey(), encoder.encode(payload));
    return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
  }

  /** The claims of a valid, unexpired, current-epoch token of `role`; otherwise undefined. */
  async verify(token: string | undefined, role: SessionRole): Promise<SessionClaims | undefined> {
    if (!token) return undefined;
    const [payload, signature, extra] = token.split(".");
    if (!payload || !signature || extra !== undefined) return undefined;
    const sig = fromBase64Url(signature);
    if (!sig) return undefined;
    // subtle.verify compares in constant time.
    const ok = await crypto.subtle.verify(
      "HMAC",
      await this.signingKey(),
      sig as BufferSource,
      encoder.encode(payload),
    );
    if (!ok) return undefined;
    let claims: SessionClaims;
    try {
      claims = JSON.parse(decoder.decode(fromBase64Url(payload))) as SessionClaims;
    } catch {
      return undefined;
    }
    if (claims.role !== role || !(claims.exp > this.options.now())) return undefined;
    if (claims.epoch !== (await this.epoch(role))) return undefined;
    return claims;
  }

  async epoch(role: SessionRole): Promise<number> {
    return (await this.options.storage.settings.get<number>(epochName(role))) ?? 0;
  }

  /** Ends every session of `role` issued so far. */
  async bumpEpoch(role: SessionRole): Promise<number> {
    const next = (await this.epoch(role)) + 1;
    await this.options.storage.settings.set(epochName(role), next);
    return next;
  }

  /** Forgets the cached signing key (after a restore replaced the secret). */
  reset(): void {
    this.key = undefined;
  }

  private signingKey(): Promise<CryptoKey> {
    this.key ??= (async () => {
      const { storage } = this.options;
      let secret = await storage.settings.get<string>(SESSION_SECRET);
      if (!secret) {
        secret = randomSecret("", 32);
        await storage.settings.set(SESSION_SECRET, secret);
      }
      return crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
        "sign",
        "verify",
      ]);
    })();
    this.key.catch(() => {
      this.key = undefined;
    });
    return this.key;
  }
}

/** Whether the client reached us over HTTPS (directly or through a TLS-terminating proxy). */
export function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto") === "https";
}

export function setSessionCookie(c: Context, name: string, token: string, expiresAt: number, now: number): void {
  setCookie(c, name, token, {
    httpOnly: true,
    sameSite: "Strict",
    path: "/",
    secure: isHttps(c),
    maxAge: Math.max(1, Math.floor((expiresAt - now) / 1000)),
  });
}

export function clearSessionCookie(c: Context, name: string): void {
  deleteCookie(c, name, { path: "/", httpOnly: true, sameSite: "Strict", secure: isHttps(c) });
}

export function readSessionCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}
