import { type HistoryEntry, isAuthRecord, type KeyRecord, type Storage, type TokenRecord } from "@keyhive/gateway";

/** How many records of each kind a backup holds. */
export interface BackupCounts {
  keys: number;
  tokens: number;
  settings: number;
  history: number;
}

/** One line of a backup: `JSON.stringify(line)`, newline-separated (JSON Lines). */
export type BackupLine =
  | {
      type: "header";
      format: "keyhive-backup";
      version: 1;
      exportedAt: number;
      includesAuth?: boolean;
      /** The lines that follow, by kind (with `announceCounts`): lets an import notice a cut-short file. */
      counts?: BackupCounts;
    }
  | { type: "key"; record: KeyRecord }
  | { type: "token"; record: TokenRecord }
  | { type: "setting"; name: string; value: unknown }
  | { type: "history"; entry: HistoryEntry };

export interface ExportOptions {
  /** Keys read per page. @default 500 */
  pageSize?: number;
  /** Include history entries since this epoch ms. @default 0 (all that is retained) */
  historySince?: number;
  /**
   * Include auth records (`isAuthRecord`: the session-signing secret, password hashes, admin
   * token digests). Whoever reads them can forge an admin session. @default false
   */
  includeAuth?: boolean;
  /**
   * Announce the counts in the header (`counts`), so an import can show `keys 5000/12000` and
   * notice a backup cut short. Costs a `keys.count()` (on Cloudflare KV a list call per 1,000
   * keys, which count against a Worker's subrequests); tokens, settings and history are read
   * before the keys instead of after them. @default false
   */
  announceCounts?: boolean;
  /** Called after every page of keys and once at the end, with the lines yielded so far. */
  onProgress?: (exported: BackupCounts & { announced?: BackupCounts }) => void;
}

/**
 * Streams a whole store as JSON lines (keys page by page, so memory stays flat on big pools).
 * Usage counters are not exported: they are per-instance statistics, not configuration; auth
 * records only with `includeAuth`.
 */
export async function* exportStore(storage: Storage, options: ExportOptions = {}): AsyncGenerator<string> {
  const line = (value: BackupLine) => `${JSON.stringify(value)}\n`;
  const includeAuth = options.includeAuth ?? false;
  // Read first when announced, so the counts in the header are exactly the lines that follow.
  let rest = options.announceCounts ? await readRest(storage, options) : undefined;
  const announced = rest && { keys: await storage.keys.count(), ...countsOf(rest) };
  const done: BackupCounts = { keys: 0, tokens: 0, settings: 0, history: 0 };
  const report = () => options.onProgress?.({ ...done, announced });
  yield line({
    type: "header",
    format: "keyhive-backup",
    version: 1,
    exportedAt: Date.now(),
    includesAuth: includeAuth,
    counts: announced,
  });
  let cursor: string | undefined;
  do {
    const page = await storage.keys.list({ cursor, limit: options.pageSize ?? 500 });
    for (const record of page.items) yield line({ type: "key", record });
    done.keys += page.items.length;
    report();
    cursor = page.cursor;
  } while (cursor);
  rest ??= await readRest(storage, options);
  for (const record of rest.tokens) yield line({ type: "token", record });
  for (const [name, value] of rest.settings) yield line({ type: "setting", name, value });
  for (const entry of rest.history) yield line({ type: "history", entry });
  Object.assign(done, countsOf(rest));
  report();
}

/** Tokens, the settings a backup holds, and history. */
async function readRest(storage: Storage, options: ExportOptions) {
  const settings = Object.entries(await storage.settings.all()).filter(
    // Job progress (`job.*`, e.g. check jobs) is transient state, not configuration.
    ([name]) => !name.startsWith("job.") && (options.includeAuth || !isAuthRecord(name)),
  );
  return {
    tokens: await storage.tokens.list(),
    settings,
    history: await storage.history.query({ since: options.historySince ?? 0 }),
  };
}

function countsOf(rest: Awaited<ReturnType<typeof readRest>>) {
  return { tokens: rest.tokens.length, settings: rest.settings.length, history: rest.history.length };
}
