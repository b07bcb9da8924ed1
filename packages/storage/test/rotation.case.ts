/**
 * Key rotation on a real driver: `testRotation({ name, create })` seeds a store encrypted with
 * one secret, re-encrypts it to another and reads the raw bytes back. Each driver's test file
 * runs it in a few lines, like the conformance suite.
 */
import type { Storage } from "@keyhive/gateway";
import { listAll, makeKeys } from "@keyhive/gateway/testing/storage";
import { describe, expect, it } from "vitest";
import { reencryptStorage, withEncryption } from "../src/encryption.js";

export interface RotationCaseOptions {
  name: string;
  /** A fresh, empty store without encryption, and every byte it holds (as text). */
  create(): Promise<{ storage: Storage; raw(): Promise<string> }>;
}

const OLD = "old-encryption-key-0123456789abcdef";
const NEW = "new-encryption-key-fedcba9876543210";
const SESSION_SECRET = "session-signing-secret-PLAINTEXT-42";
const PASSWORD_HASH = "pbkdf2$1000$00112233445566778899aabbccddeeff$PLAINTEXT-HASH";

/** Opens `enc:v1:` ciphertext the way the format is specified (HKDF-SHA-256 → AES-256-GCM). */
async function opens(secret: string, sealed: string): Promise<boolean> {
  const enc = new TextEncoder();
  const material = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey"]);
  const key = await crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode("keyhive-storage-v1"), info: enc.encode("keyhive key secrets") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["decrypt"],
  );
  const bytes = Uint8Array.from(atob(sealed.slice("enc:v1:".length)), (c) => c.charCodeAt(0));
  return crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key, bytes.slice(12)).then(
    () => true,
    () => false,
  );
}

export function testRotation({ name, create }: RotationCaseOptions): void {
  describe(`Key rotation: ${name}`, () => {
    it("re-encrypts every key secret and auth record: nothing left readable with the old secret", async () => {
      const { storage, raw } = await create();
      const legacy = (await makeKeys("gemini", 1, "rotation-legacy"))[0];
      if (!legacy) throw new Error("no key");
      await storage.keys.add([legacy]); // written before encryption was turned on
      const keys = await makeKeys("openai", 250, "rotation");
      const before = withEncryption(storage, { secret: OLD });
      await before.keys.add(keys);
      await before.settings.set("auth.sessionSecret", SESSION_SECRET);
      await before.settings.set("auth.adminPasswordHash", PASSWORD_HASH);
      await before.settings.set("auth.adminTokens", [{ id: "adm-1", hash: "ab".repeat(32) }]);
      await before.settings.set("setting.retries", 2);
      const secrets = [legacy, ...keys].map((k) => k.secret);

      const result = await reencryptStorage(storage, { from: OLD, to: NEW, pageSize: 100 });
      expect(result).toEqual({ keys: 251, settings: 3, alreadyRotated: 0, plaintext: 1 });

      const dump = await raw();
      for (const secret of [...secrets, SESSION_SECRET, PASSWORD_HASH]) expect(dump).not.toContain(secret);
      const sealed = dump.match(/enc:v1:[A-Za-z0-9+/=]+/g) ?? [];
      expect(sealed.length).toBe(251 + 3);
      for (const value of sealed) {
        expect(await opens(OLD, value)).toBe(false);
        expect(await opens(NEW, value)).toBe(true);
      }

      const after = withEncryption(storage, { secret: NEW });
      const read = (await listAll(after, { limit: 1000 })).items.map((k) => k.secret).sort();
      expect(read).toEqual([...secrets].sort());
      expect(await after.settings.get("auth.sessionSecret")).toBe(SESSION_SECRET);
      expect(await after.settings.get("auth.adminPasswordHash")).toBe(PASSWORD_HASH);
      expect(await after.settings.get("auth.adminTokens")).toEqual([{ id: "adm-1", hash: "ab".repeat(32) }]);
      expect(await after.settings.get("setting.retries")).toBe(2);
      const stale = withEncryption(storage, { secret: OLD });
      await expect(stale.keys.get(keys[0]?.id as string)).rejects.toThrow();
      await expect(stale.settings.get("auth.sessionSecret")).rejects.toThrow();

      // Interrupted or repeated: a second run finds everything rotated and writes nothing.
      const revision = await storage.revision();
      expect(await reencryptStorage(storage, { from: OLD, to: NEW })).toEqual({
        keys: 0,
        settings: 0,
        alreadyRotated: 254,
        plaintext: 0,
      });
      expect(await storage.revision()).toBe(revision);
      // A secret that opens nothing stops the run and names the record.
      await expect(
        reencryptStorage(storage, { from: "wrong-0123456789abcdef", to: "other-0123456789abcdef" }),
      ).rejects.toThrow(/^key (openai|gemini)-[0-9a-f]{20}: neither the old nor the new secret decrypts it$/);
    });
  });
}
