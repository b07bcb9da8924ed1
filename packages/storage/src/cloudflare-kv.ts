import type { KeyRecord, Storage } from "@keyhive/gateway";
import { createStorage } from "unstorage";
import kvBindingDriver from "unstorage/drivers/cloudflare-kv-binding";
import type { KeyPager } from "./unstorage-keys.js";
import { createUnstorageStorage, type UnstorageStorageOptions } from "./unstorage-storage.js";

/** The part of a Workers `KVNamespace` binding this storage uses. */
export interface KVNamespaceLike {
  get(key: string, type?: "text"): Promise<string | null>;
  put(key: string, value: string, options?: { metadata?: unknown; expirationTtl?: number }): Promise<void>;
  delete(key: string): Promise<void>;
  list(options?: { prefix?: string; cursor?: string; limit?: number }): Promise<{
    keys: { name: string; metadata?: unknown }[];
    list_complete: boolean;
    cursor?: string;
  }>;
}

export interface KVStorageOptions extends UnstorageStorageOptions {
  /** The KV namespace binding, e.g. `env.KEYHIVE_KV`. */
  binding: KVNamespaceLike;
  /**
   * Copy each key record into the KV key's metadata when it fits (KV allows 1024 bytes), so one
   * `list` call returns up to 1000 whole records instead of 1 list + 1000 reads. @default true
   */
  recordsInMetadata?: boolean;
}

/** Cloudflare's limit on a KV key's metadata, serialized. */
const KV_METADATA_MAX_BYTES = 1024;

/**
 * Keys one `keys.add` call should carry on Workers: an add costs about two KV operations per key
 * (existence read + write), and a paid-plan invocation may make 1000 subrequests, so the admin
 * API imports big lists in chunks of this size, one invocation per chunk.
 */
export const KV_MAX_KEYS_PER_ADD = 400;

/**
 * Cloudflare Workers KV storage. Eventually consistent: writes reach other locations within
 * about 60 s, and `list` (the change feed, key pages) lags the same way.
 *
 * @example
 * export default { fetch: (req, env) => createGateway({ storage: createKVStorage({ binding: env.KEYHIVE_KV }) }).fetch(req) }
 */
export function createKVStorage(options: KVStorageOptions): Storage {
  const { binding } = options;
  const store = createStorage({ driver: kvBindingDriver({ binding: binding as never }) });
  const inMetadata = options.recordsInMetadata ?? true;
  const encoder = new TextEncoder();

  // KV lists keys in order with its own cursor; a page is one `list` call, and records that
  // fit in metadata need no further reads.
  const pager: KeyPager = {
    async page(prefix, cursor, limit) {
      const result = await binding.list({ prefix: `${prefix}:`, cursor, limit: Math.min(limit, 1000) });
      const entries = result.keys.map((key) => ({
        path: key.name,
        record: inMetadata && isRecord(key.metadata) ? key.metadata : undefined,
      }));
      return { entries, cursor: result.list_complete ? undefined : result.cursor };
    },
  };

  return createUnstorageStorage(store, options, {
    pager,
    writeOptions(record) {
      if (!inMetadata) return undefined;
      const fits = encoder.encode(JSON.stringify(record)).length <= KV_METADATA_MAX_BYTES;
      // A record too big for metadata clears it, so a stale copy is never listed.
      return { metadata: fits ? record : null };
    },
  });
}

function isRecord(value: unknown): value is KeyRecord {
  return typeof value === "object" && value !== null && typeof (value as KeyRecord).id === "string";
}
