/** Sign-in for the admin UI: login, logout, session, password change. Shapes: `schemas/auth.ts`. */
import { Hono } from "hono";
import { errors } from "../spec/errors.js";
import type { Storage } from "../spec/storage.js";
import { hashPassword } from "../util/crypto.js";
import { ADMIN_PASSWORD_HASH, type AdminCredentials, assertSameOrigin } from "./admin-auth.js";
import { loginBody, passwordBody } from "./schemas/auth.js";
import { ADMIN_COOKIE, readSessionCookie, type SessionSigner } from "./session.js";
import { readJson } from "./validate.js";

export interface AuthRoutesDeps {
  storage: Storage;
  sessions: SessionSigner;
  credentials: AdminCredentials;
  now: () => number;
  /** PBKDF2 iterations for new password hashes. */
  passwordIterations: number;
  /**
   * Whether the admin password comes from configuration (`KEYHIVE_ADMIN_PASSWORD`), which
   * replaces the stored hash at every start: then it cannot be changed here.
   */
  passwordManagedByEnvironment: boolean;
}

export const PASSWORD_MANAGED_MESSAGE =
  "The admin password is set by the deployment's configuration (KEYHIVE_ADMIN_PASSWORD), which replaces a changed one at the next start: change it there and restart the gateway.";

/** Routes that work without a session: login and logout. */
export function loginRoutes(deps: AuthRoutesDeps) {
  const app = new Hono();
  const { sessions } = deps;

  app.post("/login", async (c) => {
    // A login form posted from another site would sign the victim into our admin: refuse it.
    if (c.req.header("origin")) assertSameOrigin(c, sessions.trust);
    deps.credentials.limiter.assertAllowed(deps.credentials.limiter.clientOf(c));
    const { password } = await readJson(c, loginBody);
    if (!(await deps.credentials.checkPassword(c, password))) throw errors.unauthorized("Wrong admin password.");
    const { token, claims } = await sessions.issue("admin");
    sessions.setCookie(c, ADMIN_COOKIE, token, claims);
    return c.json({ ok: true, expiresAt: claims.exp });
  });

  app.post("/logout", async (c) => {
    if (c.req.header("origin")) assertSameOrigin(c, sessions.trust);
    // Revoked on every instance, not only forgotten by this browser: a copied cookie dies too.
    const claims = await sessions.verify(readSessionCookie(c, ADMIN_COOKIE), "admin");
    if (claims) await sessions.revoke(claims);
    sessions.clearCookie(c, ADMIN_COOKIE);
    return c.body(null, 204);
  });

  return app;
}

/** Routes behind admin authentication. */
export function sessionRoutes(deps: AuthRoutesDeps) {
  const app = new Hono();

  app.get("/session", (c) => {
    const principal = c.get("keyhiveAdmin");
    return c.json({
      authenticated: true,
      role: "admin",
      via: principal.via,
      expiresAt: principal.expiresAt ?? null,
      passwordManagedByEnvironment: deps.passwordManagedByEnvironment,
    });
  });

  app.post("/password", async (c) => {
    if (deps.passwordManagedByEnvironment)
      throw errors.conflict(PASSWORD_MANAGED_MESSAGE, "password_managed_by_environment");
    const body = await readJson(c, passwordBody);
    if (!(await deps.credentials.checkPassword(c, body.current))) {
      throw errors.forbidden("The current password is wrong.", "wrong_password");
    }
    await deps.storage.settings.set(ADMIN_PASSWORD_HASH, await hashPassword(body.next, deps.passwordIterations));
    await deps.sessions.bumpEpoch("admin");
    // Every other session ended with the epoch; this browser keeps working with a fresh cookie.
    if (c.get("keyhiveAdmin").via === "cookie") {
      const { token, claims } = await deps.sessions.issue("admin");
      deps.sessions.setCookie(c, ADMIN_COOKIE, token, claims);
    }
    return c.body(null, 204);
  });

  return app;
}
