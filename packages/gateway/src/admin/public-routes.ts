/**
 * The public key page API, per `accessMode`: `open` (anyone), `restricted` (guests with the
 * guest password, as a signed `keyhive_guest` session), `private` (nobody but admins). Keys are
 * always masked here; guests never reach the admin API or the proxy.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import { errors } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import type { KeyRecord } from "../spec/storage.js";
import { sha256Hex, verifyPassword } from "../util/crypto.js";
import { maskSecret } from "../util/mask.js";
import { assertSameOrigin } from "./admin-auth.js";
import { isValidKey } from "./export-routes.js";
import { sortKeys } from "./key-filter.js";
import type { LoginLimiter } from "./login-limiter.js";
import { guestLoginBody, publicKeysQuery } from "./schemas/public.js";
import { ADMIN_COOKIE, GUEST_COOKIE, readSessionCookie, type SessionSigner } from "./session.js";
import { readJson, readQuery } from "./validate.js";

export interface PublicRoutesDeps {
  pool: KeyPool;
  providers: ReadonlyMap<string, Provider>;
  settings: SettingsRuntime;
  sessions: SessionSigner;
  limiter: LoginLimiter;
}

/** One page of the public key list: masked, highest balance first, with totals of the valid keys. */
export function publicKeyPage(all: KeyRecord[], page: number, pageSize: number) {
  const records = sortKeys(all, "balance", "desc");
  const valid = records.filter(isValidKey);
  const start = (page - 1) * pageSize;
  return {
    data: records.slice(start, start + pageSize).map((r) => ({
      key: maskSecret(r.secret),
      provider: r.provider,
      status: r.status,
      balance: r.balance ?? null,
      lastCheckedAt: r.lastCheckedAt ?? null,
    })),
    total: records.length,
    page,
    pageSize,
    totals: {
      keys: records.length,
      valid: valid.length,
      balance: Math.round(valid.reduce((s, r) => s + (r.balance ?? 0), 0) * 100) / 100,
    },
  };
}

/** Whether the access mode lets this visitor see the key page. */
const maySee = (mode: string, who: "admin" | "guest" | undefined) =>
  who === "admin" || mode === "open" || (mode === "restricted" && who === "guest");

/** Who is looking (an admin or guest session, or nobody), and whether the access mode lets them see keys. */
function pageAccess(deps: PublicRoutesDeps) {
  const viewer = async (c: Context): Promise<"admin" | "guest" | undefined> => {
    if (await deps.sessions.verify(readSessionCookie(c, ADMIN_COOKIE), "admin")) return "admin";
    if (await deps.sessions.verify(readSessionCookie(c, GUEST_COOKIE), "guest")) return "guest";
    return undefined;
  };
  /** Refuses a visitor the access mode does not let see the key page. */
  const assertMaySee = async (c: Context) => {
    const mode = deps.settings.value.accessMode;
    const who = await viewer(c);
    if (who === "admin") return;
    if (mode === "private") throw errors.forbidden("The key page is private.", "page_private");
    if (mode === "restricted" && who !== "guest") {
      throw errors.unauthorized("Enter the guest password first (POST /public/api/login).");
    }
  };
  return { viewer, assertMaySee };
}

export function publicRoutes(deps: PublicRoutesDeps) {
  const app = new Hono();
  const { viewer, assertMaySee } = pageAccess(deps);

  app.get("/info", async (c) => {
    const mode = deps.settings.value.accessMode;
    const who = await viewer(c);
    return c.json({
      accessMode: mode,
      authenticated: who !== undefined,
      role: who ?? null,
      guestPasswordSet: deps.settings.value.guestPasswordHash !== undefined,
      // The pinned public URL, else this request's origin (X-Forwarded-Host only from a trusted proxy).
      baseURL: `${deps.sessions.trust.baseURL(c)}/v1`,
      providers: [...deps.providers.keys()],
      pageSize: deps.settings.value.pageSize,
      keySharing: deps.settings.value.publicKeySharing && maySee(mode, who),
    });
  });

  app.post("/login", async (c) => {
    const { sessions, limiter } = deps;
    if (c.req.header("origin")) assertSameOrigin(c, sessions.trust);
    const { accessMode, guestPasswordHash } = deps.settings.value;
    if (accessMode === "private") throw errors.forbidden("The key page is private.", "page_private");
    if (accessMode === "open") return c.json({ ok: true, required: false });
    if (!guestPasswordHash) throw errors.forbidden("No guest password is set: ask an admin.", "no_guest_password");
    limiter.assertAllowed(limiter.clientOf(c));
    const { password } = await readJson(c, guestLoginBody);
    // Guest guesses count against the same per-address budget as admin guesses.
    const guess = await sha256Hex(`guest\n${guestPasswordHash}\n${password}`);
    if (!(await limiter.check(c, guess, () => verifyPassword(password, guestPasswordHash)))) {
      throw errors.unauthorized("Wrong guest password.");
    }
    const { token, claims } = await sessions.issue("guest");
    sessions.setCookie(c, GUEST_COOKIE, token, claims);
    return c.json({ ok: true, expiresAt: claims.exp });
  });

  app.post("/logout", async (c) => {
    if (c.req.header("origin")) assertSameOrigin(c, deps.sessions.trust);
    const claims = await deps.sessions.verify(readSessionCookie(c, GUEST_COOKIE), "guest");
    if (claims) await deps.sessions.revoke(claims);
    deps.sessions.clearCookie(c, GUEST_COOKIE);
    return c.body(null, 204);
  });

  app.get("/keys/shared", async (c) => {
    if (!deps.settings.value.publicKeySharing) {
      throw errors.forbidden(
        "Key sharing is off: an admin can turn on `publicKeySharing` in the settings.",
        "key_sharing_off",
      );
    }
    await assertMaySee(c);
    const valid = sortKeys(deps.pool.keysOf().filter(isValidKey), "balance", "desc");
    const data = valid.map((r) => ({ key: r.secret, provider: r.provider, balance: r.balance ?? null }));
    c.header("cache-control", "no-store");
    return c.json({ data, total: data.length });
  });

  app.get("/keys", async (c) => {
    await assertMaySee(c);
    const q = readQuery(c, publicKeysQuery);
    return c.json(publicKeyPage(deps.pool.keysOf(), q.page, q.pageSize ?? deps.settings.value.pageSize));
  });

  return app;
}
