import { createGateway, newKeyRecord } from "@keyhive/gateway";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { describe, expect, it } from "vitest";
import { withEncryption } from "../src/encryption.js";
import { createUnstorageStorage } from "../src/unstorage-storage.js";
import { testRotation } from "./rotation.case.js";

const secret = "test-encryption-key-0123456789abcdef";

async function dump(raw: ReturnType<typeof createStorage>): Promise<string> {
  const keys = await raw.getKeys();
  return JSON.stringify(await raw.getItems(keys));
}

describe("withEncryption", () => {
  it("stores only ciphertext, keeps the plaintext hash, and round-trips", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const storage = withEncryption(createUnstorageStorage(raw), { secret });
    const record = await newKeyRecord({ provider: "openai", secret: "sk-live-PLAINTEXT-123456" }, Date.now());
    expect((await storage.keys.add([record])).added).toEqual([record.id]);
    const stored = await dump(raw);
    expect(stored).not.toContain("sk-live-PLAINTEXT-123456");
    expect(stored).toContain("enc:v1:");
    expect(stored).toContain(record.hash);
    expect(await storage.keys.get(record.id)).toEqual(record);
    expect((await storage.keys.list()).items).toEqual([record]);
    expect((await storage.keys.patch(record.id, { weight: 2 }))?.secret).toBe(record.secret);
    expect((await storage.keys.add([record])).duplicates).toEqual([record.id]);
    expect(await dump(raw)).not.toContain("sk-live-PLAINTEXT-123456");
  });

  it("opens records read in bulk (getMany) and passes counters and watch through", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const plain = createUnstorageStorage(raw);
    const counters = { increment: async () => ({ applied: true, value: 1 }), get: async () => 0 };
    const watch = () => () => {};
    const inner = {
      ...plain,
      // A store whose getMany returns what is stored (ciphertext), as a driver's MGET does.
      keys: { ...plain.keys, getMany: (ids: string[]) => Promise.all(ids.map((id) => plain.keys.get(id))) },
      counters,
      watch,
    };
    const storage = withEncryption(inner, { secret });
    const record = await newKeyRecord({ provider: "openai", secret: "sk-live-BULKREAD-123456" }, Date.now());
    await storage.keys.add([record]);
    expect(await storage.keys.getMany?.([record.id, "openai-missing"])).toEqual([record, null]);
    expect(storage.counters).toBe(counters);
    expect(typeof storage.watch).toBe("function");
    expect(withEncryption(plain, { secret }).counters).toBeUndefined();
  });

  it("fails to decrypt with another secret and leaves unencrypted records readable", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const plain = createUnstorageStorage(raw);
    const legacy = await newKeyRecord({ provider: "openai", secret: "sk-legacy" }, Date.now());
    await plain.keys.add([legacy]);
    const enc = withEncryption(plain, { secret });
    expect((await enc.keys.get(legacy.id))?.secret).toBe("sk-legacy");
    const fresh = await newKeyRecord({ provider: "openai", secret: "sk-new" }, Date.now());
    await enc.keys.put(fresh);
    await expect(withEncryption(plain, { secret: "wrong-secret" }).keys.get(fresh.id)).rejects.toThrow();
  });
});

describe("withEncryption of auth records", () => {
  it("seals the session-signing secret and the other auth records, and leaves other settings readable", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const plain = createUnstorageStorage(raw);
    const storage = withEncryption(plain, { secret });
    await storage.settings.set("auth.sessionSecret", "signing-secret-PLAINTEXT");
    await storage.settings.set("auth.adminPasswordHash", "pbkdf2$1$00$PLAINHASH");
    await storage.settings.set("auth.adminTokens", [{ id: "adm-1", hash: "HASHPLAIN" }]);
    await storage.settings.set("setting.guestPasswordHash", null);
    await storage.settings.set("setting.retries", 2);
    const stored = await dump(raw);
    for (const plaintext of ["signing-secret-PLAINTEXT", "PLAINHASH", "HASHPLAIN"])
      expect(stored).not.toContain(plaintext);
    expect(await plain.settings.get("auth.sessionSecret")).toMatch(/^enc:v1:/);
    expect(await plain.settings.get("setting.guestPasswordHash")).toMatch(/^enc:v1:/);
    expect(await plain.settings.get("setting.retries")).toBe(2);
    expect(await storage.settings.get("auth.sessionSecret")).toBe("signing-secret-PLAINTEXT");
    expect(await storage.settings.all()).toEqual({
      "auth.sessionSecret": "signing-secret-PLAINTEXT",
      "auth.adminPasswordHash": "pbkdf2$1$00$PLAINHASH",
      "auth.adminTokens": [{ id: "adm-1", hash: "HASHPLAIN" }],
      "setting.guestPasswordHash": null,
      "setting.retries": 2,
    });
    await expect(
      withEncryption(plain, { secret: "wrong-secret" }).settings.get("auth.sessionSecret"),
    ).rejects.toThrow();
  });

  it("keeps a gateway's session-signing secret and password hash sealed, and its sign-in working", async () => {
    const raw = createStorage({ driver: memoryDriver() });
    const plain = createUnstorageStorage(raw);
    const gateway = createGateway({
      providers: [],
      storage: withEncryption(plain, { secret }),
      adminPassword: "admin-password-for-encryption",
      onError: () => {},
    });
    await gateway.ready();
    const login = () =>
      gateway.app.request("http://gw.test/admin/api/login", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "http://gw.test" },
        body: JSON.stringify({ password: "admin-password-for-encryption" }),
      });
    const res = await login();
    expect(res.status).toBe(200);
    const cookie = res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
    const session = await gateway.app.request("http://gw.test/admin/api/session", { headers: { cookie } });
    expect(session.status).toBe(200);
    const sessionSecret = await plain.settings.get<string>("auth.sessionSecret");
    expect(sessionSecret).toMatch(/^enc:v1:/);
    expect(await plain.settings.get("auth.adminPasswordHash")).toMatch(/^enc:v1:/);
    expect(await dump(raw)).not.toContain("pbkdf2$");
  });

  it("reads a session secret stored before encryption was on", async () => {
    const plain = createUnstorageStorage(createStorage({ driver: memoryDriver() }));
    await plain.settings.set("auth.sessionSecret", "legacy-plain-secret");
    expect(await withEncryption(plain, { secret }).settings.get("auth.sessionSecret")).toBe("legacy-plain-secret");
  });
});

testRotation({
  name: "memory",
  create: async () => {
    const raw = createStorage({ driver: memoryDriver() });
    return { storage: createUnstorageStorage(raw), raw: () => dump(raw) };
  },
});

testStorage({
  name: "memory + withEncryption",
  create: ({ now }) =>
    withEncryption(createUnstorageStorage(createStorage({ driver: memoryDriver() }), { now }), { secret }),
  capabilities: { largePoolSize: 20_000 },
});
