import { type HistoryEntry, isAuthRecord, type KeyRecord, type Storage, type TokenRecord } from "@keyhive/gateway";

/** One line of a backup: `JSON.stringify(line)`, newline-separated (JSON Lines). */
export type BackupLine =
  | { type: "header"; format: "keyhive-backup"; version: 1; exportedAt: number; includesAuth?: boolean }
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
}

/**
 * Streams a whole store as JSON lines (keys page by page, so memory stays flat on big pools).
 * Usage counters are not exported: they are per-instance statistics, not configuration; auth
 * records only with `includeAuth`.
 */
export async function* exportStore(storage: Storage, options: ExportOptions = {}): AsyncGenerator<string> {
  const line = (value: BackupLine) => `${JSON.stringify(value)}\n`;
  const includeAuth = options.includeAuth ?? false;
  yield line({
    type: "header",
    format: "keyhive-backup",
    version: 1,
    exportedAt: Date.now(),
    includesAuth: includeAuth,
  });
  let cursor: string | undefined;
  do {
    const page = await storage.keys.list({ cursor, limit: options.pageSize ?? 500 });
    for (const record of page.items) yield line({ type: "key", record });
    cursor = page.cursor;
  } while (cursor);
  for (const record of await storage.tokens.list()) yield line({ type: "token", record });
  for (const [name, value] of Object.entries(await storage.settings.all())) {
    // Job progress (`job.*`, e.g. check jobs) is transient state, not configuration.
    if (name.startsWith("job.")) continue;
    if (includeAuth || !isAuthRecord(name)) yield line({ type: "setting", name, value });
  }
  for (const entry of await storage.history.query({ since: options.historySince ?? 0 }))
    yield line({ type: "history", entry });
}

export interface ImportResult {
  keys: number;
  duplicates: number;
  tokens: number;
  settings: number;
  history: number;
  /** Auth records in the input that were left out (without `includeAuth`). */
  skippedAuth: number;
}

export interface ImportOptions {
  /** Keys written per `keys.add` call (keep ≤ 400 when the target is Cloudflare KV). @default 500 */
  batchSize?: number;
  /** Write auth records found in the input; otherwise the target's own stay as they are. @default false */
  includeAuth?: boolean;
}

/**
 * Reads JSON lines (strings or chunks of text, e.g. `process.stdin`) into a store. Keys are
 * added idempotently, so re-running an import, or importing into a non-empty store, is safe.
 * Lines are written as they are read (memory stays flat): a bad line stops the import there.
 */
export async function importStore(
  storage: Storage,
  input: AsyncIterable<string | Uint8Array> | Iterable<string>,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const result: ImportResult = { keys: 0, duplicates: 0, tokens: 0, settings: 0, history: 0, skippedAuth: 0 };
  const size = options.batchSize ?? 500;
  let keys: KeyRecord[] = [];
  let history: HistoryEntry[] = [];
  const flush = async () => {
    if (keys.length) {
      const added = await storage.keys.add(keys);
      result.keys += added.added.length;
      result.duplicates += added.duplicates.length;
    }
    if (history.length) await storage.history.append(history);
    result.history += history.length;
    keys = [];
    history = [];
  };
  for await (const text of lines(input)) {
    const entry = JSON.parse(text) as BackupLine;
    if (entry.type === "key") keys.push(entry.record);
    else if (entry.type === "history") history.push(entry.entry);
    else if (entry.type === "token") await storage.tokens.put(entry.record).then(() => result.tokens++);
    else if (entry.type === "setting" && !options.includeAuth && isAuthRecord(entry.name)) result.skippedAuth++;
    else if (entry.type === "setting")
      await storage.settings.set(entry.name, entry.value).then(() => result.settings++);
    if (keys.length >= size || history.length >= size) await flush();
  }
  await flush();
  return result;
}

async function* lines(input: AsyncIterable<string | Uint8Array> | Iterable<string>): AsyncGenerator<string> {
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of input) {
    buffer += typeof chunk === "string" ? chunk : decoder.decode(chunk, { stream: true });
    let at = buffer.indexOf("\n");
    while (at >= 0) {
      const text = buffer.slice(0, at).trim();
      if (text) yield text;
      buffer = buffer.slice(at + 1);
      at = buffer.indexOf("\n");
    }
  }
  if (buffer.trim()) yield buffer.trim();
}
