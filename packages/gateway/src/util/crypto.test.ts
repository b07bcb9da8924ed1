import { describe, expect, it } from "vitest";
import {
  DEFAULT_PASSWORD_ITERATIONS,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  toHex,
  verifyPassword,
} from "./crypto.js";
import { pbkdf2Sha256 } from "./pbkdf2.js";

const encoder = new TextEncoder();

describe("password hashes", () => {
  it("PBKDF2-HMAC-SHA256 in JavaScript matches the published vectors and WebCrypto", async () => {
    const js = (p: string, s: string, c: number, len = 32) =>
      toHex(pbkdf2Sha256(encoder.encode(p), encoder.encode(s), c, len));
    // RFC 7914 §11 and the widely published PBKDF2-HMAC-SHA256 vectors.
    expect(js("password", "salt", 1)).toBe("120fb6cffcf8b32c43e7225256c4f837a86548c92ccc35480805987cb70be17b");
    expect(js("password", "salt", 2)).toBe("ae4d0c95af6b46d32d0adff928f06dd02a303f8ef3c251dfd6e2d85a95474c43");
    expect(js("password", "salt", 4096)).toBe("c5e478d59288c841aa530db6845c4c8d962893a001ce4e11a4963873aa98134a");
    expect(js("passwd", "salt", 1, 64)).toBe(
      "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783",
    );
    for (const [password, iterations] of [
      ["p", 3],
      ["a password longer than one 64-byte SHA-256 block, so HMAC hashes the key first!", 7],
      ["日本語のパスワード", 1000],
    ] as const) {
      const salt = crypto.getRandomValues(new Uint8Array(16));
      const material = await crypto.subtle.importKey("raw", encoder.encode(password), "PBKDF2", false, ["deriveBits"]);
      const webcrypto = await crypto.subtle.deriveBits(
        { name: "PBKDF2", hash: "SHA-256", salt, iterations },
        material,
        256,
      );
      expect(toHex(pbkdf2Sha256(encoder.encode(password), salt, iterations))).toBe(toHex(webcrypto));
    }
  });

  it("records algorithm and parameters in the hash; 600,000 iterations by default", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(/^pbkdf2-sha256\$i=600000\$[0-9a-f]{32}\$[0-9a-f]{64}$/);
    expect(DEFAULT_PASSWORD_ITERATIONS).toBe(600_000);
    expect(parsePasswordHash(stored)).toMatchObject({ algorithm: "pbkdf2-sha256", iterations: 600_000 });
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    const workers = await hashPassword("correct horse battery", 100_000);
    expect(workers).toMatch(/^pbkdf2-sha256\$i=100000\$/);
    expect(await verifyPassword("correct horse battery", workers)).toBe(true);
    await expect(hashPassword("x", 0)).rejects.toThrow(/iterations must be an integer from 1/);
  });

  it("verifies hashes of the first format (pbkdf2$<iterations>$salt$hash), made by earlier releases", async () => {
    // Written by the release before this one: hashPassword("old-admin-password") at 100,000 iterations.
    const salt = crypto.getRandomValues(new Uint8Array(16));
    const legacy = `pbkdf2$100000$${toHex(salt)}$${toHex(pbkdf2Sha256(encoder.encode("old-admin-password"), salt, 100_000))}`;
    expect(await verifyPassword("old-admin-password", legacy)).toBe(true);
    expect(await verifyPassword("old-admin-passworD", legacy)).toBe(false);
    expect(needsRehash(legacy, 100_000)).toBe(true); // older format
    expect(needsRehash(await hashPassword("x", 100_000), 100_000)).toBe(false);
    expect(needsRehash(await hashPassword("x", 100_000), 600_000)).toBe(true);
    expect(needsRehash(await hashPassword("x", 1_000), 100_000)).toBe(true);
  });
});

describe("password hashes: refused hashes and timing", () => {
  it.each([
    "",
    "plaintext",
    "bcrypt$10$abc$def",
    "pbkdf2-sha256$600000$00$00", // new scheme needs i=
    "pbkdf2$0$00$00",
    "pbkdf2$99999999999$00$00", // absurd iteration counts are refused unread
    "pbkdf2-sha256$i=20000000$00$00",
    "pbkdf2$1000$0g$00",
    "pbkdf2$1000$000$00",
    "pbkdf2$1000$00$",
    "pbkdf2$1000$00$00$extra",
  ])("refuses the malformed stored hash %j", async (stored) => {
    expect(parsePasswordHash(stored)).toBeUndefined();
    expect(await verifyPassword("anything", stored)).toBe(false);
  });

  it("figures: hashing time per setting on this machine (printed)", async () => {
    const time = async (label: string, run: () => unknown) => {
      const started = performance.now();
      await run();
      const ms = performance.now() - started;
      console.log(`${label}: ${ms.toFixed(0)} ms`);
      return ms;
    };
    const salt = new Uint8Array(16);
    await time("WebCrypto PBKDF2-SHA256 100,000", () => hashPassword("figure-password", 100_000));
    await time("WebCrypto PBKDF2-SHA256 600,000", () => hashPassword("figure-password", 600_000));
    const js = await time("JavaScript PBKDF2-SHA256 600,000 (workerd's fallback)", () =>
      pbkdf2Sha256(encoder.encode("figure-password"), salt, 600_000),
    );
    expect(js).toBeLessThan(10_000);
  });
});
