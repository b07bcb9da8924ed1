import type { KeyRecord, KeyStore, Storage } from "@keyhive/gateway";

export interface EncryptionOptions {
  /**
   * The secret the AES key is derived from (HKDF-SHA-256), e.g. `env.KEYHIVE_ENCRYPTION_KEY`.
   * Use at least 32 random characters; losing it makes the stored key secrets unreadable.
   */
  secret: string;
  /** HKDF salt; change it only together with a re-encryption of every key. @default "keyhive-storage-v1" */
  salt?: string;
}

/** Prefix of an encrypted secret: `enc:v1:<base64(iv ‖ ciphertext ‖ tag)>`. */
const PREFIX = "enc:v1:";

/**
 * Encryption at rest of key secrets: AES-256-GCM via WebCrypto (Node ≥ 20, Workers, Bun, Deno).
 * Stored records hold only ciphertext; `hash` stays the plaintext sha256 so adds still dedupe.
 * Records written before encryption was turned on are read as they are and encrypted on next write.
 *
 * @example
 * const storage = withEncryption(createFsStorage({ dir: "./data" }), { secret: process.env.KEYHIVE_ENCRYPTION_KEY! });
 */
export function withEncryption(storage: Storage, options: EncryptionOptions): Storage {
  if (!options.secret) throw new TypeError("withEncryption needs a non-empty `secret`");
  const key = deriveKey(options.secret, options.salt ?? "keyhive-storage-v1");
  const seal = async (record: KeyRecord): Promise<KeyRecord> =>
    record.secret.startsWith(PREFIX) ? record : { ...record, secret: await encrypt(await key, record.secret) };
  const open = async (record: KeyRecord | null): Promise<KeyRecord | null> =>
    record?.secret.startsWith(PREFIX) ? { ...record, secret: await decrypt(await key, record.secret) } : record;
  const inner = storage.keys;
  const keys: KeyStore = {
    ...inner,
    get: async (id) => open(await inner.get(id)),
    add: async (records) => inner.add(await Promise.all(records.map(seal))),
    put: async (record) => inner.put(await seal(record)),
    patch: async (id, patch) => open(await inner.patch(id, patch)),
    delete: (ids) => inner.delete(ids),
    list: async (query) => {
      const page = await inner.list(query);
      return { ...page, items: (await Promise.all(page.items.map(open))) as KeyRecord[] };
    },
    count: (provider) => inner.count(provider),
    changes: (cursor) => inner.changes(cursor),
  };
  return {
    specificationVersion: storage.specificationVersion,
    keys,
    tokens: storage.tokens,
    settings: storage.settings,
    usage: storage.usage,
    history: storage.history,
    revision: () => storage.revision(),
    close: storage.close ? () => storage.close?.() ?? Promise.resolve() : undefined,
  };
}

async function deriveKey(secret: string, salt: string): Promise<CryptoKey> {
  const enc = new TextEncoder();
  const material = await crypto.subtle.importKey("raw", enc.encode(secret), "HKDF", false, ["deriveKey"]);
  return crypto.subtle.deriveKey(
    { name: "HKDF", hash: "SHA-256", salt: enc.encode(salt), info: enc.encode("keyhive key secrets") },
    material,
    { name: "AES-GCM", length: 256 },
    false,
    ["encrypt", "decrypt"],
  );
}

async function encrypt(key: CryptoKey, plaintext: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, new TextEncoder().encode(plaintext)),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return PREFIX + toBase64(out);
}

async function decrypt(key: CryptoKey, stored: string): Promise<string> {
  const bytes = fromBase64(stored.slice(PREFIX.length));
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, key, bytes.slice(12));
  return new TextDecoder().decode(plain);
}

function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}
