import { newKeyRecord } from "@keyhive/gateway";
import { testStorage } from "@keyhive/gateway/testing/storage";
import { createStorage } from "unstorage";
import memoryDriver from "unstorage/drivers/memory";
import { describe, expect, it } from "vitest";
import { withEncryption } from "../src/encryption.js";
import { createUnstorageStorage } from "../src/unstorage-storage.js";

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

testStorage({
  name: "memory + withEncryption",
  create: ({ now }) =>
    withEncryption(createUnstorageStorage(createStorage({ driver: memoryDriver() }), { now }), { secret }),
  capabilities: { largePoolSize: 20_000 },
});
