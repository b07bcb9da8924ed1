import { isAuthRecord, type KeyRecord, type KeyStore, type SettingsStore, type Storage } from "@keyhive/gateway";
import { mapLimit } from "./map-limit.js";

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
 * Encryption at rest: AES-256-GCM via WebCrypto (Node ≥ 20, Workers, Bun, Deno) of key secrets
 * and of the values of auth records (`isAuthRecord`: the session-signing secret, password
 * hashes, admin token digests). Stored records hold only ciphertext; `hash` stays the plaintext
 * sha256 so adds still dedupe. Records written before encryption was turned on are read as they
 * are and encrypted on their next write (or at once by {@link reencryptStorage}).
 *
 * @example
 * const storage = withEncryption(createFsStorage({ dir: "./data" }), { secret: process.env.KEYHIVE_ENCRYPTION_KEY! });
 */
export function withEncryption(storage: Storage, options: EncryptionOptions): Storage {
  const box = sealer(options);
  const seal = async (record: KeyRecord): Promise<KeyRecord> =>
    isSealed(record.secret) ? record : { ...record, secret: await box.seal(record.secret) };
  const open = async (record: KeyRecord | null): Promise<KeyRecord | null> =>
    record && isSealed(record.secret) ? { ...record, secret: await box.open(record.secret) } : record;
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
  const getMany = inner.getMany?.bind(inner);
  // Replaces the spread one: records read in bulk are opened like single ones.
  if (getMany) keys.getMany = async (ids) => Promise.all((await getMany(ids)).map(open));
  else delete keys.getMany;
  // Auth values are sealed as JSON, so any value (string, list, number, null) round-trips; a
  // value that is already ciphertext (a rotation writing through this wrapper) passes as it is.
  const openValue = async (name: string, value: unknown) =>
    isAuthRecord(name) && isSealed(value) ? JSON.parse(await box.open(value)) : value;
  const sealValue = async (name: string, value: unknown) =>
    isAuthRecord(name) && !isSealed(value) ? box.seal(JSON.stringify(value ?? null)) : value;
  const settings: SettingsStore = {
    get: async <T>(name: string) => (await openValue(name, await storage.settings.get(name))) as T | undefined,
    set: async (name, value) => storage.settings.set(name, await sealValue(name, value)),
    ...(storage.settings.delete
      ? { delete: (name: string) => storage.settings.delete?.(name) ?? Promise.resolve() }
      : {}),
    all: async () => {
      const out: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(await storage.settings.all()))
        out[name] = await openValue(name, value);
      return out;
    },
  };
  return {
    specificationVersion: storage.specificationVersion,
    keys,
    tokens: storage.tokens,
    settings,
    usage: storage.usage,
    history: storage.history,
    revision: () => storage.revision(),
    // Counters, change notification and the request log carry no secret (request records hold
    // masked keys only): passed through as they are.
    ...(storage.counters ? { counters: storage.counters } : {}),
    ...(storage.requestLog ? { requestLog: storage.requestLog } : {}),
    ...(storage.watch ? { watch: storage.watch.bind(storage) } : {}),
    close: storage.close ? () => storage.close?.() ?? Promise.resolve() : undefined,
  };
}

export interface ReencryptOptions {
  /** The secret the store is encrypted with now; omit for a store never encrypted. */
  from?: string | EncryptionOptions;
  /** The new secret. Pass the same as `from` to encrypt records written before encryption. */
  to: string | EncryptionOptions;
  /** Keys read per page. @default 500 */
  pageSize?: number;
  /** Parallel writes. @default 8 */
  concurrency?: number;
}

export interface ReencryptResult {
  /** Key secrets re-sealed from `from` (or from plaintext) to `to`. */
  keys: number;
  /** Auth records re-sealed. */
  settings: number;
  /** Values already sealed with `to` (a rotation that was interrupted and run again). */
  alreadyRotated: number;
  /** Values that were stored in plaintext and are now sealed. */
  plaintext: number;
}

/**
 * Re-encrypts every key secret and auth record of a store from one secret to another, in place.
 * Pass the store *without* `withEncryption`. Safe to re-run after an interruption: values already
 * sealed with `to` are left alone; a value neither secret opens stops the run with its record
 * name. Stop the gateways first (or run it again after they wrote): an instance still on the old
 * secret writes old ciphertext for keys it adds.
 *
 * @example
 * await reencryptStorage(createFsStorage({ dir: "./data" }), { from: oldSecret, to: newSecret });
 */
export async function reencryptStorage(storage: Storage, options: ReencryptOptions): Promise<ReencryptResult> {
  const asOptions = (o: string | EncryptionOptions) => (typeof o === "string" ? { secret: o } : o);
  const from = options.from === undefined ? undefined : sealer(asOptions(options.from));
  const to = sealer(asOptions(options.to));
  const result: ReencryptResult = { keys: 0, settings: 0, alreadyRotated: 0, plaintext: 0 };
  /** The value re-sealed with `to`, or undefined when it already is. */
  const reseal = async (what: string, stored: string): Promise<string | undefined> => {
    if (!isSealed(stored)) {
      result.plaintext++;
      return to.seal(stored);
    }
    const plain = from ? await from.open(stored).catch(() => undefined) : undefined;
    if (plain !== undefined) return to.seal(plain);
    if ((await to.open(stored).catch(() => undefined)) !== undefined) {
      result.alreadyRotated++;
      return undefined;
    }
    throw new Error(`${what}: neither the old nor the new secret decrypts it`);
  };

  let cursor: string | undefined;
  do {
    const page = await storage.keys.list({ cursor, limit: options.pageSize ?? 500 });
    await mapLimit(page.items, options.concurrency ?? 8, async (record) => {
      const secret = await reseal(`key ${record.id}`, record.secret);
      if (secret === undefined) return;
      await storage.keys.put({ ...record, secret });
      result.keys++;
    });
    cursor = page.cursor;
  } while (cursor);

  for (const [name, value] of Object.entries(await storage.settings.all())) {
    if (!isAuthRecord(name)) continue;
    const sealed = await reseal(`setting ${name}`, isSealed(value) ? value : JSON.stringify(value ?? null));
    if (sealed === undefined) continue;
    await storage.settings.set(name, sealed);
    result.settings++;
  }
  return result;
}

function isSealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

function sealer(options: EncryptionOptions) {
  if (!options.secret) throw new TypeError("withEncryption needs a non-empty `secret`");
  let key: Promise<CryptoKey> | undefined;
  const derived = () => {
    key ??= deriveKey(options.secret, options.salt ?? "keyhive-storage-v1");
    return key;
  };
  return {
    seal: async (plaintext: string) => encrypt(await derived(), plaintext),
    open: async (stored: string) => decrypt(await derived(), stored),
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
