/**
 * Signed session cookies: `<base64url(claims)>.<base64url(HMAC-SHA256)>` with a random signing
 * secret kept in storage (`auth.sessionSecret`). Each session has a random id (`sid`) that logout
 * revokes: the revocation is its own settings record (`auth.revoked.<sid>`), so every instance
 * learns it when it next syncs shared state (at most `refreshIntervalMs` later for admin requests,
 * see `refresh`). Each session also carries its role's epoch; bumping the epoch (password change)
 * ends every session issued before. A cookie never lives longer than its role's lifetime, whatever
 * its signed `exp` says.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { Storage } from "../spec/storage.js";
import { randomSecret } from "../util/crypto.js";
import { ProxyTrust } from "./proxy-trust.js";

export const SESSION_SECRET = "auth.sessionSecret";
export const ADMIN_COOKIE = "keyhive_session";
export const GUEST_COOKIE = "keyhive_guest";
/** Prefix of revocation records: `auth.revoked.<sid>` → `{role, exp}`. */
export const REVOKED_PREFIX = "auth.revoked.";

export type SessionRole = "admin" | "guest";

export interface SessionClaims {
  role: SessionRole;
  /** Session id: what logout revokes. */
  sid: string;
  /** Issued at, epoch ms. */
  iat: number;
  /** Expiry, epoch ms. */
  exp: number;
  /** The role's epoch when issued. */
  epoch: number;
}

/** Default lifetimes: admin 12 h, guest 24 h. */
export const DEFAULT_SESSION_TTL_MS: Readonly<Record<SessionRole, number>> = {
  admin: 12 * 3_600_000,
  guest: 24 * 3_600_000,
};

/** Clock skew tolerated between instances when capping a cookie's expiry. */
const SKEW_MS = 60_000;
const SID = /^[A-Za-z0-9_-]{16,64}$/;
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
  /** Session lifetime per role (ms). @default DEFAULT_SESSION_TTL_MS */
  ttlMs?: Partial<Record<SessionRole, number>>;
  /** Decides whether the cookie is `Secure`. @default new ProxyTrust() */
  trust?: ProxyTrust;
  /**
   * Brings this instance's view of shared state up to date when it is older than the refresh
   * interval (the gateway passes its sync, which calls {@link SessionSigner.reload} when the
   * storage revision moved). Without it, state is read once and then only changes made here count.
   */
  refresh?: () => Promise<void>;
}

function isClaims(value: unknown): value is SessionClaims {
  const v = value as SessionClaims;
  return (
    typeof v === "object" &&
    v !== null &&
    (v.role === "admin" || v.role === "guest") &&
    typeof v.sid === "string" &&
    SID.test(v.sid) &&
    Number.isFinite(v.iat) &&
    Number.isFinite(v.exp) &&
    Number.isInteger(v.epoch)
  );
}

export class SessionSigner {
  readonly trust: ProxyTrust;
  private key: Promise<CryptoKey> | undefined;
  private readonly ttl: Record<SessionRole, number>;
  private epochs: Record<SessionRole, number> = { admin: 0, guest: 0 };
  /** Revoked, unexpired sessions: sid → expiry. */
  private revoked = new Map<string, number>();
  private loaded: Promise<void> | undefined;

  constructor(private readonly options: SessionSignerOptions) {
    this.ttl = { ...DEFAULT_SESSION_TTL_MS, ...options.ttlMs };
    this.trust = options.trust ?? new ProxyTrust();
  }

  ttlOf(role: SessionRole): number {
    return this.ttl[role];
  }

  /** A new session of `role`: fresh id, current epoch, the role's lifetime. */
  async issue(role: SessionRole): Promise<{ token: string; claims: SessionClaims }> {
    await this.ensureLoaded();
    const iat = this.options.now();
    const claims: SessionClaims = {
      role,
      sid: randomSecret("", 18),
      iat,
      exp: iat + this.ttl[role],
      epoch: this.epochs[role],
    };
    return { token: await this.sign(claims), claims };
  }

  async sign(claims: SessionClaims): Promise<string> {
    const payload = toBase64Url(encoder.encode(JSON.stringify(claims)));
    const signature = await crypto.subtle.sign("HMAC", await this.signingKey(), encoder.encode(payload));
    return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
  }

  /**
   * The claims of a valid token of `role` — signed by us, unexpired, not longer-lived than the
   * role's lifetime allows, of the current epoch and not revoked — otherwise undefined.
   */
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
    let claims: unknown;
    try {
      claims = JSON.parse(decoder.decode(fromBase64Url(payload)));
    } catch {
      return undefined;
    }
    // Sessions signed before session ids existed carry no `sid`: they end here.
    if (!isClaims(claims) || claims.role !== role) return undefined;
    const now = this.options.now();
    if (!(claims.exp > now)) return undefined;
    // Capped server-side: a cookie signed with a longer expiry (an old setting, a leaked secret) is refused.
    if (claims.exp > now + this.ttl[role] + SKEW_MS || claims.exp - claims.iat > this.ttl[role]) return undefined;
    await this.options.refresh?.();
    await this.ensureLoaded();
    // A newer epoch than ours: another instance changed the password and signed this since our last sync.
    if (claims.epoch > this.epochs[role]) await this.reload();
    if (claims.epoch !== this.epochs[role]) return undefined;
    if (this.revoked.has(claims.sid)) return undefined;
    return claims;
  }

  /** Ends one session on every instance (logout). */
  async revoke(claims: SessionClaims): Promise<void> {
    this.revoked.set(claims.sid, claims.exp);
    await this.options.storage.settings.set(`${REVOKED_PREFIX}${claims.sid}`, { role: claims.role, exp: claims.exp });
  }

  async epoch(role: SessionRole): Promise<number> {
    await this.ensureLoaded();
    return this.epochs[role];
  }

  /** Ends every session of `role` issued so far. */
  async bumpEpoch(role: SessionRole): Promise<number> {
    const stored = (await this.options.storage.settings.get<number>(epochName(role))) ?? 0;
    const next = Math.max(stored, this.epochs[role]) + 1;
    await this.options.storage.settings.set(epochName(role), next);
    this.epochs[role] = next;
    return next;
  }

  /** Reads epochs and revocations from storage (at start, and whenever the storage revision moved). */
  reload(): Promise<void> {
    const run = (async () => {
      const all = await this.options.storage.settings.all();
      const now = this.options.now();
      const revoked = new Map<string, number>();
      for (const [name, value] of Object.entries(all)) {
        if (!name.startsWith(REVOKED_PREFIX)) continue;
        const exp = (value as { exp?: unknown } | null)?.exp;
        if (typeof exp === "number" && exp > now) revoked.set(name.slice(REVOKED_PREFIX.length), exp);
      }
      // Revocations made here but not yet visible in storage's listing stay revoked.
      for (const [sid, exp] of this.revoked) if (exp > now) revoked.set(sid, exp);
      this.revoked = revoked;
      for (const role of ["admin", "guest"] as const) {
        const epoch = all[epochName(role)];
        this.epochs[role] = typeof epoch === "number" ? epoch : 0;
      }
    })();
    this.loaded = run;
    run.catch(() => {
      if (this.loaded === run) this.loaded = undefined;
    });
    return run;
  }

  /** Forgets the cached signing key and state (after a restore replaced them). */
  reset(): void {
    this.key = undefined;
    this.loaded = undefined;
    this.revoked.clear();
  }

  /** Sets the session cookie (`Secure` when the browser reached us over HTTPS). */
  setCookie(c: Context, name: string, token: string, claims: SessionClaims): void {
    setCookie(c, name, token, {
      httpOnly: true,
      sameSite: "Strict",
      path: "/",
      secure: this.trust.isHttps(c),
      maxAge: Math.max(1, Math.floor((claims.exp - this.options.now()) / 1000)),
    });
  }

  clearCookie(c: Context, name: string): void {
    deleteCookie(c, name, { path: "/", httpOnly: true, sameSite: "Strict", secure: this.trust.isHttps(c) });
  }

  private ensureLoaded(): Promise<void> {
    return this.loaded ?? this.reload();
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

export function readSessionCookie(c: Context, name: string): string | undefined {
  return getCookie(c, name);
}
