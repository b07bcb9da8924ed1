#!/usr/bin/env node
/**
 * keyhive-storage export --from <uri> > backup.jsonl
 * keyhive-storage import --to <uri> < backup.jsonl
 *
 * <uri>: `fs:./dir`, `redis://host:6379/0` (or `rediss://`), `memory:`. Cloudflare KV and D1 are
 * reached through the gateway's admin API, which runs exportStore/importStore inside the Worker.
 */
import type { Storage } from "@keyhive/gateway";
import { exportStore, importStore } from "./backup.js";
import { withEncryption } from "./encryption.js";

export async function openStorage(uri: string): Promise<Storage> {
  let storage: Storage;
  if (uri.startsWith("fs:")) {
    const { createFsStorage } = await import("./fs.js");
    storage = createFsStorage({ dir: uri.slice(3) || "." });
  } else if (/^rediss?:\/\//.test(uri)) {
    const { createRedisStorage } = await import("./redis.js");
    storage = await createRedisStorage({ url: uri });
  } else if (uri === "memory:") {
    const { createMemoryStorage } = await import("./memory.js");
    storage = createMemoryStorage();
  } else {
    throw new Error(`unsupported storage uri "${uri}" (use fs:<dir>, redis://…, memory:)`);
  }
  // Secrets stay encrypted only if the same secret is set on both ends.
  const secret = process.env.KEYHIVE_ENCRYPTION_KEY;
  return secret ? withEncryption(storage, { secret }) : storage;
}

const USAGE =
  "usage: keyhive-storage export --from <uri> > backup.jsonl\n       keyhive-storage import --to <uri> < backup.jsonl";

export async function main(argv: string[]): Promise<number> {
  const [command, flag, uri] = argv;
  if (command === "export" && flag === "--from" && uri) {
    const storage = await openStorage(uri);
    try {
      for await (const line of exportStore(storage)) {
        if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once("drain", resolve));
      }
    } finally {
      await storage.close?.();
    }
    return 0;
  }
  if (command === "import" && flag === "--to" && uri) {
    const storage = await openStorage(uri);
    try {
      const result = await importStore(storage, process.stdin);
      process.stderr.write(`${JSON.stringify(result)}\n`);
    } finally {
      await storage.close?.();
    }
    return 0;
  }
  process.stderr.write(`${USAGE}\n`);
  return 2;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`keyhive-storage: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
