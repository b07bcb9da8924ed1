#!/usr/bin/env node
/**
 * keyhive-storage export --from <uri> [--include-auth] [--progress-ms <ms>] > backup.jsonl
 * keyhive-storage import --to <uri> [--include-auth] [--progress-ms <ms>] < backup.jsonl
 * keyhive-storage migrate --from <uri> --to <uri> [--include-auth] [--progress-ms <ms>]
 * keyhive-storage rotate-key --store <uri>
 *
 * <uri>: `fs:./dir`, `redis://host:6379/0` (or `rediss://`), `memory:`. Cloudflare KV and D1 are
 * reached through the gateway's admin API, which runs exportStore/importStore inside the Worker.
 * Secrets come from the environment, never from arguments (which other users can see in `ps`):
 * `KEYHIVE_ENCRYPTION_KEY` (the current one) and, for rotate-key, `KEYHIVE_NEW_ENCRYPTION_KEY`.
 */
import type { Storage } from "@keyhive/gateway";
import { exportStore } from "./backup.js";
import { type RunSettings, runExport, runImport } from "./cli-copy.js";
import { reencryptStorage, withEncryption } from "./encryption.js";

/** Opens a store; with `KEYHIVE_ENCRYPTION_KEY` set (and `raw` false) through `withEncryption`. */
export async function openStorage(uri: string, { raw = false } = {}): Promise<Storage> {
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
  return secret && !raw ? withEncryption(storage, { secret }) : storage;
}

const USAGE = [
  "usage: keyhive-storage export --from <uri> [--include-auth] [--progress-ms <ms>] > backup.jsonl",
  "       keyhive-storage import --to <uri> [--include-auth] [--progress-ms <ms>] < backup.jsonl",
  "       keyhive-storage migrate --from <uri> --to <uri> [--include-auth] [--progress-ms <ms>]",
  "       KEYHIVE_ENCRYPTION_KEY=<old> KEYHIVE_NEW_ENCRYPTION_KEY=<new> keyhive-storage rotate-key --store <uri>",
].join("\n");

/** `[command, --flag value…, --switch…]` → command, flag values, switches. */
function parse(argv: string[]) {
  const [command, ...rest] = argv;
  const values = new Map<string, string>();
  const switches = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    if (arg === "--include-auth") switches.add(arg);
    else if (arg.startsWith("--") && rest[i + 1] !== undefined) values.set(arg, rest[++i] as string);
    else return undefined;
  }
  return { command, values, switches };
}

type Args = NonNullable<ReturnType<typeof parse>>;

/** The values given are exactly `required`, plus `--progress-ms` when valid. */
function takes(args: Args, ...required: string[]): boolean {
  const optional = args.values.has("--progress-ms") ? 1 : 0;
  if (optional && !/^\d+$/.test(args.values.get("--progress-ms") as string)) return false;
  return args.values.size === required.length + optional && required.every((name) => args.values.has(name));
}

async function using<T>(storage: Storage, fn: (storage: Storage) => Promise<T>): Promise<T> {
  try {
    return await fn(storage);
  } finally {
    await storage.close?.();
  }
}

export async function main(argv: string[]): Promise<number> {
  const args = parse(argv);
  if (!args) return usage();
  const { command, values } = args;
  const includeAuth = args.switches.has("--include-auth");
  const run: RunSettings = { includeAuth, progressMs: Number(values.get("--progress-ms") ?? 1000) };
  const [from, to, store] = [values.get("--from") ?? "", values.get("--to") ?? "", values.get("--store") ?? ""];
  if (command === "export" && takes(args, "--from")) {
    return using(await openStorage(from), (source) => runExport(source, run));
  }
  if (command === "import" && takes(args, "--to")) {
    try {
      return await using(await openStorage(to), (target) => runImport(target, process.stdin, run));
    } finally {
      process.stdin.destroy(); // a stopped import leaves stdin unread: let the process exit
    }
  }
  if (command === "migrate" && takes(args, "--from", "--to")) {
    return using(await openStorage(from), async (source) =>
      using(await openStorage(to), (target) =>
        runImport(target, exportStore(source, { includeAuth, announceCounts: true }), run),
      ),
    );
  }
  if (command === "rotate-key" && args.values.size === 1 && store && !includeAuth) return rotateKey(store);
  return usage();
}

async function rotateKey(store: string): Promise<number> {
  const next = process.env.KEYHIVE_NEW_ENCRYPTION_KEY;
  if (!next) {
    process.stderr.write("keyhive-storage: rotate-key needs KEYHIVE_NEW_ENCRYPTION_KEY (the new secret)\n");
    return 2;
  }
  const current = process.env.KEYHIVE_ENCRYPTION_KEY || undefined;
  const result = await using(await openStorage(store, { raw: true }), (storage) =>
    reencryptStorage(storage, { from: current, to: next }),
  );
  process.stderr.write(`${JSON.stringify(result)}\n`);
  return 0;
}

function usage(): number {
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
