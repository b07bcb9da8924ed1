import { createMemoryStorage } from "@keyhive/storage";
import { describe, expect, it } from "vitest";
import { SESSION_SECRET, SessionSigner } from "./session.js";

describe("session signer", () => {
  it("signs and verifies, and refuses tampered, expired, wrong-role and old-epoch tokens", async () => {
    let now = 1_000;
    const storage = createMemoryStorage();
    const signer = new SessionSigner({ storage, now: () => now });
    const token = await signer.sign({ role: "admin", exp: 5_000, epoch: 0 });
    expect(await storage.settings.get(SESSION_SECRET)).toEqual(expect.any(String));
    expect(await signer.verify(token, "admin")).toMatchObject({ role: "admin", exp: 5_000 });
    expect(await signer.verify(token, "guest")).toBeUndefined();

    const [payload, sig] = token.split(".") as [string, string];
    const forged = btoa(JSON.stringify({ role: "admin", exp: 9e15, epoch: 0 })).replaceAll("=", "");
    expect(await signer.verify(`${forged}.${sig}`, "admin")).toBeUndefined();
    expect(await signer.verify(`${payload}.${sig.slice(0, -2)}xx`, "admin")).toBeUndefined();
    expect(await signer.verify("garbage", "admin")).toBeUndefined();

    now = 6_000;
    expect(await signer.verify(token, "admin")).toBeUndefined();
    now = 1_000;
    await signer.bumpEpoch("admin");
    expect(await signer.verify(token, "admin")).toBeUndefined();
    const fresh = await signer.sign({ role: "admin", exp: 5_000, epoch: await signer.epoch("admin") });
    expect(await signer.verify(fresh, "admin")).toBeDefined();
  });

  it("a second signer over the same storage accepts the first one's tokens (shared secret)", async () => {
    const storage = createMemoryStorage();
    const a = new SessionSigner({ storage, now: () => 0 });
    const b = new SessionSigner({ storage, now: () => 0 });
    const token = await a.sign({ role: "guest", exp: 10, epoch: 0 });
    expect(await b.verify(token, "guest")).toBeDefined();
  });
});
