/**
 * Who may use the admin API: a script with `Authorization: Bearer <admin password | admin
 * token>`, or a browser with a signed admin session cookie. Guests (public page sessions) are
 * recognised and refused with 403; cookie-authenticated mutations must come from our own origin.
 * Only a PBKDF2 hash of the password is stored; admin tokens are stored as sha256 digests.
 * Password guesses (login, bearer, password change) share one throttle (login-limiter.ts).
 */
import type { Context, MiddlewareHandler } from "hono";
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { constantTimeEqual, sha256Hex, verifyPassword } from "../util/crypto.js";
import type { LoginLimiter } from "./login-limiter.js";
import type { ProxyTrust } from "./proxy-trust.js";
import { ADMIN_COOKIE, GUEST_COOKIE, readSessionCookie, type SessionClaims, type SessionSigner } from "./session.js";

export const ADMIN_PASSWORD_HASH = "auth.adminPasswordHash";
export const ADMIN_TOKENS = "auth.adminTokens";

/** An admin token as stored: the secret itself is shown once and never kept. */
export interface AdminTokenRecord {
  id: string;
  name: string;
  /** sha256 hex of the token. */
  hash: string;
  /** Masked token for lists. */
  hint: string;
  createdAt: number;
}

export interface AdminPrincipal {
  role: "admin";
  via: "bearer" | "cookie";
  /** Session expiry (cookie sessions). */
  expiresAt?: number;
  /** Set when a script authenticated with an admin token. */
  tokenId?: string;
  /** The cookie session's claims (what logout revokes). */
  session?: SessionClaims;
}

declare module "hono" {
  interface ContextVariableMap {
    keyhiveAdmin: AdminPrincipal;
  }
}

export interface AdminAuthDeps {
  storage: Storage;
  sessions: SessionSigner;
  limiter: LoginLimiter;
}

const MUTATING = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface AdminCredentialsOptions {
  /** Throttles password guesses (bearer passwords included). */
  limiter: LoginLimiter;
}

/**
 * Verifies admin credentials. Admin tokens are compared digest to digest and never throttled:
 * they are random, so there is nothing to guess. Passwords go through the login throttle, which
 * counts each guess before the slow hash. A successful verification is remembered (by a digest of
 * the credential and the stored hash) so scripts sending the password on every call do not pay
 * the hash each time — still behind the throttle's gate, so a locked-out address cannot use the
 * memo as a fast oracle; a changed password changes the stored hash and voids the memo.
 */
export class AdminCredentials {
  private readonly verified = new Map<string, true>();
  readonly limiter: LoginLimiter;

  constructor(
    private readonly storage: Storage,
    options: AdminCredentialsOptions,
  ) {
    this.limiter = options.limiter;
  }

  async checkPassword(c: Context, password: string): Promise<boolean> {
    const stored = (await this.storage.settings.get<string>(ADMIN_PASSWORD_HASH)) ?? "";
    const memo = await sha256Hex(`${stored}\n${password}`);
    if (this.verified.has(memo)) {
      this.limiter.assertAllowed(this.limiter.clientOf(c));
      return true;
    }
    const ok = await this.limiter.check(c, memo, async () => stored !== "" && (await verifyPassword(password, stored)));
    if (ok) {
      if (this.verified.size > 64) this.verified.clear();
      this.verified.set(memo, true);
    }
    return ok;
  }

  /** The admin token matching `credential`, compared digest to digest in constant time. */
  async findToken(credential: string): Promise<AdminTokenRecord | undefined> {
    const digest = await sha256Hex(credential);
    const tokens = (await this.storage.settings.get<AdminTokenRecord[]>(ADMIN_TOKENS)) ?? [];
    let found: AdminTokenRecord | undefined;
    for (const token of tokens) if (constantTimeEqual(token.hash, digest)) found = token;
    return found;
  }
}

/**
 * Cross-site request forgery guard for cookie-authenticated requests: the `Origin` must be one of
 * ours (see {@link ProxyTrust.ownOrigins}: `X-Forwarded-Host` counts only from a trusted proxy), or
 * absent with `X-Requested-With: keyhive` (a custom header no cross-site form can send).
 */
export function isSameOrigin(c: Context, trust: ProxyTrust): boolean {
  const origin = c.req.header("origin");
  if (!origin) return c.req.header("x-requested-with")?.toLowerCase() === "keyhive";
  return trust.ownOrigins(c).includes(origin.toLowerCase());
}

export function assertSameOrigin(c: Context, trust: ProxyTrust): void {
  if (!isSameOrigin(c, trust)) {
    throw errors.forbidden(
      "Cross-origin request refused: cookie-authenticated changes must come from the admin UI's own origin (or send `X-Requested-With: keyhive`).",
      "cross_origin",
    );
  }
}

export function bearerOf(c: Context): string | undefined {
  const match = /^Bearer\s+(.+)$/i.exec((c.req.header("authorization") ?? "").trim());
  return match?.[1]?.trim() || undefined;
}

/** Resolves the admin principal of a request, or undefined; throws 403 for guests. */
export async function authenticateAdmin(c: Context, deps: AdminAuthDeps, credentials: AdminCredentials) {
  const bearer = bearerOf(c);
  if (bearer) {
    // Admin tokens first: they are not subject to the password throttle.
    const token = await credentials.findToken(bearer);
    if (token) return { role: "admin", via: "bearer", tokenId: token.id } satisfies AdminPrincipal;
    if (await credentials.checkPassword(c, bearer)) return { role: "admin", via: "bearer" } satisfies AdminPrincipal;
    throw errors.unauthorized(
      "Invalid admin credentials: the bearer is neither the admin password nor an admin token.",
    );
  }
  const session = await deps.sessions.verify(readSessionCookie(c, ADMIN_COOKIE), "admin");
  if (session) {
    return { role: "admin", via: "cookie", expiresAt: session.exp, session } satisfies AdminPrincipal;
  }
  if (await deps.sessions.verify(readSessionCookie(c, GUEST_COOKIE), "guest")) {
    throw errors.forbidden("Guest sessions cannot use the admin API.", "guest_forbidden");
  }
  return undefined;
}

/** Middleware: 401 without admin credentials, 403 for guests and cross-origin cookie mutations. */
export function adminAuth(
  deps: AdminAuthDeps,
  credentials = new AdminCredentials(deps.storage, { limiter: deps.limiter }),
): MiddlewareHandler {
  return async (c, next) => {
    const principal = await authenticateAdmin(c, deps, credentials);
    if (!principal) {
      throw errors.unauthorized(
        "Admin authentication required: sign in, or send `Authorization: Bearer <admin password or admin token>`.",
      );
    }
    if (principal.via === "cookie" && MUTATING.has(c.req.method)) assertSameOrigin(c, deps.sessions.trust);
    c.set("keyhiveAdmin", principal);
    await next();
  };
}
