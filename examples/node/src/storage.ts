/**
 * Opens the storage a URI names: `fs:<dir>`, `redis://…` / `rediss://…`, `memory:` (the same
 * URIs as `keyhive-storage` backups). Redis is imported only when asked for.
 */
import type { Storage } from "@keyhive/gateway";

export async function openStorage(uri: string): Promise<Storage> {
  if (uri.startsWith("fs:")) {
    const { createFsStorage } = await import("@keyhive/storage/fs");
    return createFsStorage({ dir: uri.slice("fs:".length) });
  }
  if (/^rediss?:\/\//.test(uri)) {
    const { createRedisStorage } = await import("@keyhive/storage/redis");
    return createRedisStorage({ url: uri });
  }
  if (uri === "memory:") {
    const { createMemoryStorage } = await import("@keyhive/storage/memory");
    return createMemoryStorage();
  }
  throw new Error(`Unknown storage '${uri}': use fs:<dir>, redis://host:port/db or memory:.`);
}
