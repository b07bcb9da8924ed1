/** Sign-in for the admin UI: login, logout, session, password change. See ADMIN-API.md. */
import { Hono } from "hono";
import * as z from "zod/mini";
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { hashPassword } from "../util/crypto.js";
import { ADMIN_PASSWORD_HASH, type AdminCredentials, assertSameOrigin } from "./admin-auth.js";
import { clientIp, type LoginLimiter } from "./login-limiter.js";
import { ADMIN_COOKIE, clearSessionCookie, type SessionSigner, setSessionCookie } from "./session.js";
import { readJson } from "./validate.js";

export interface AuthRoutesDeps {
  storage: Storage;
  sessions: SessionSigner;
  limiter: LoginLimiter;
  credentials: AdminCredentials;
  now: () => number;
  /** Admin session lifetime (ms). @default 43200000 (12 h) */
  sessionTtlMs: number;
  /** PBKDF2 iterations for new password hashes. @default 100000 */
  passwordIterations: number;
}

const loginBody = z.strictObject({ password: z.string().check(z.minLength(1), z.maxLength(1024)) });
const passwordBody = z.strictObject({
  current: z.string().check(z.minLength(1), z.maxLength(1024)),
  next: z.string().check(z.minLength(12, "must be at least 12 characters"), z.maxLength(1024)),
});

/** Routes that work without a session: login and logout. */
export function loginRoutes(deps: AuthRoutesDeps) {
  const app = new Hono();

  app.post("/login", async (c) => {
    // A login form posted from another site would sign the victim into our admin: refuse it.
    if (c.req.header("origin")) assertSameOrigin(c);
    const ip = clientIp(c);
    deps.limiter.assertAllowed(ip);
    const { password } = await readJson(c, loginBody);
    if (!(await deps.credentials.checkPassword(password))) {
      deps.limiter.fail(ip);
      throw errors.unauthorized("Wrong admin password.");
    }
    deps.limiter.reset(ip);
    const now = deps.now();
    const expiresAt = now + deps.sessionTtlMs;
    const token = await deps.sessions.sign({
      role: "admin",
      exp: expiresAt,
      epoch: await deps.sessions.epoch("admin"),
    });
    setSessionCookie(c, ADMIN_COOKIE, token, expiresAt, now);
    return c.json({ ok: true, expiresAt });
  });

  app.post("/logout", (c) => {
    clearSessionCookie(c, ADMIN_COOKIE);
    return c.body(null, 204);
  });

  return app;
}

/** Routes behind admin authentication. */
export function sessionRoutes(deps: AuthRoutesDeps) {
  const app = new Hono();

  app.get("/session", (c) => {
    const principal = c.get("keyhiveAdmin");
    return c.json({ authenticated: true, role: "admin", via: principal.via, expiresAt: principal.expiresAt ?? null });
  });

  app.post("/password", async (c) => {
    const ip = clientIp(c);
    deps.limiter.assertAllowed(ip);
    const body = await readJson(c, passwordBody);
    if (!(await deps.credentials.checkPassword(body.current))) {
      deps.limiter.fail(ip);
      throw errors.forbidden("The current password is wrong.", "wrong_password");
    }
    await deps.storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(body.next, deps.passwordIterations));
    const epoch = await deps.sessions.bumpEpoch("admin");
    // Every other session ended with the epoch; this browser keeps working with a fresh cookie.
    if (c.get("keyhiveAdmin").via === "cookie") {
      const now = deps.now();
      const expiresAt = now + deps.sessionTtlMs;
      setSessionCookie(
        c,
        ADMIN_COOKIE,
        await deps.sessions.sign({ role: "admin", exp: expiresAt, epoch }),
        expiresAt,
        now,
      );
    }
    return c.body(null, 204);
  });

  return app;
}
