import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../../test/support/index.js";
import { REVOKED_PREFIX, SESSION_SECRET, type SessionClaims, SessionSigner } from "./session.js";

const HOUR = 3_600_000;

describe("session signer", () => {
  it("issues sessions with an id, and refuses tampered, expired, wrong-role and old-epoch tokens", async () => {
    let now = 1_000;
    const storage = createMemoryStorage();
    const signer = new SessionSigner({ storage, now: () => now });
    const { token, claims } = await signer.issue("admin");
    expect(claims).toMatchObject({ role: "admin", iat: 1_000, exp: 1_000 + 12 * HOUR, epoch: 0 });
    expect(claims.sid).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(await storage.settings.get(SESSION_SECRET)).toEqual(expect.any(String));
    expect(await signer.verify(token, "admin")).toEqual(claims);
    expect(await signer.verify(token, "guest")).toBeUndefined();

    const [payload, sig] = token.split(".") as [string, string];
    const forged = btoa(JSON.stringify({ ...claims, exp: 9e15 })).replaceAll("=", "");
    expect(await signer.verify(`${forged}.${sig}`, "admin")).toBeUndefined();
    expect(await signer.verify(`${payload}.${sig.slice(0, -2)}xx`, "admin")).toBeUndefined();
    expect(await signer.verify("garbage", "admin")).toBeUndefined();
    expect(await signer.verify(`${payload}.${sig}.x`, "admin")).toBeUndefined();

    now = 1_000 + 12 * HOUR;
    expect(await signer.verify(token, "admin")).toBeUndefined(); // expired
    now = 2_000;
    await signer.bumpEpoch("admin");
    expect(await signer.verify(token, "admin")).toBeUndefined();
    expect(await signer.verify((await signer.issue("admin")).token, "admin")).toBeDefined();
  });

  it("caps the expiry server-side: a validly signed cookie claiming a year is refused", async () => {
    const now = Date.now();
    const signer = new SessionSigner({ storage: createMemoryStorage(), now: () => now });
    const base: SessionClaims = { role: "admin", sid: "a".repeat(24), iat: now, exp: now + HOUR, epoch: 0 };
    expect(await signer.verify(await signer.sign(base), "admin")).toBeDefined();
    const year = 365 * 24 * HOUR;
    expect(await signer.verify(await signer.sign({ ...base, exp: now + year }), "admin")).toBeUndefined();
    // Lying about when it was issued does not help either.
    expect(
      await signer.verify(await signer.sign({ ...base, iat: now + year - HOUR, exp: now + year }), "admin"),
    ).toBeUndefined();
    expect(await signer.verify(await signer.sign({ ...base, exp: now + 13 * HOUR }), "admin")).toBeUndefined();
    // A shorter configured lifetime caps cookies issued under a longer one.
    const strict = new SessionSigner({ storage: createMemoryStorage(), now: () => now, ttlMs: { admin: HOUR / 2 } });
    expect(await strict.verify(await strict.sign(base), "admin")).toBeUndefined();
    // Sessions from before session ids existed (no sid, no iat) end.
    const legacy = await signer.sign({ role: "admin", exp: now + HOUR, epoch: 0 } as unknown as SessionClaims);
    expect(await signer.verify(legacy, "admin")).toBeUndefined();
  });

  it("revokes one session, stored as its own record; a second signer over the same storage honours it after reload", async () => {
    const storage = createMemoryStorage();
    const a = new SessionSigner({ storage, now: Date.now });
    const b = new SessionSigner({ storage, now: Date.now });
    const one = await a.issue("admin");
    const two = await a.issue("admin");
    expect(await b.verify(one.token, "admin")).toBeDefined(); // shared signing secret
    await a.revoke(one.claims);
    expect(await a.verify(one.token, "admin")).toBeUndefined();
    expect(await a.verify(two.token, "admin")).toBeDefined(); // only that session ended
    expect(await storage.settings.get(`${REVOKED_PREFIX}${one.claims.sid}`)).toEqual({
      role: "admin",
      exp: one.claims.exp,
    });
    expect(await b.verify(one.token, "admin")).toBeDefined(); // b has not looked at storage since
    await b.reload();
    expect(await b.verify(one.token, "admin")).toBeUndefined();
    expect(await b.verify(two.token, "admin")).toBeDefined();
  });

  it("a newer epoch signed elsewhere is looked up at once, not refused until the next sync", async () => {
    const storage = createMemoryStorage();
    const a = new SessionSigner({ storage, now: Date.now });
    const b = new SessionSigner({ storage, now: Date.now });
    await b.reload();
    await a.bumpEpoch("admin"); // a password change on instance A
    const fresh = await a.issue("admin");
    expect(fresh.claims.epoch).toBe(1);
    expect(await b.verify(fresh.token, "admin")).toBeDefined();
  });
});
