/**
 * Backup and restore as JSON lines, in the line format of `@keyhive/storage`'s `exportStore`
 * (`{"type":"header"|"key"|"token"|"setting", …}`), written against the Storage contract only.
 * Backups hold upstream key secrets: admin only. Auth records (the session-signing secret,
 * password hashes, admin token digests: `isAuthRecord`) stay out unless `?includeAuth=true`,
 * since whoever holds the signing secret can forge an admin session.
 * Restore validates the whole file before its first write, adds keys idempotently, overwrites
 * tokens and settings of the same name, and leaves auth records alone unless `?includeAuth=true`.
 */
import { Hono } from "hono";
import type * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import { errors } from "../spec/errors.js";
import { isAuthRecord, type KeyRecord, type Storage, type TokenRecord } from "../spec/storage.js";
import { backupLine, includeAuthQuery } from "./schemas/data.js";
import type { SessionSigner } from "./session.js";
import { readQuery } from "./validate.js";

type BackupLine = z.infer<typeof backupLine>;

export interface BackupRoutesDeps {
  storage: Storage;
  pool: KeyPool;
  settings: SettingsRuntime;
  sessions: SessionSigner;
  now: () => number;
  onStateChanged?: () => Promise<void>;
}

const encoder = new TextEncoder();

export function backupRoutes(deps: BackupRoutesDeps) {
  const app = new Hono();

  app.get("/backup", async (c) => {
    const { includeAuth } = readQuery(c, includeAuthQuery);
    await deps.pool.flushWrites();
    const { storage } = deps;
    const exportedAt = deps.now();
    async function* lines() {
      yield { type: "header", format: "keyhive-backup", version: 1, exportedAt, includesAuth: includeAuth };
      let cursor: string | undefined;
      do {
        const page = await storage.keys.list({ cursor, limit: 500 });
        for (const record of page.items) yield { type: "key", record };
        cursor = page.cursor;
      } while (cursor);
      for (const record of await storage.tokens.list()) yield { type: "token", record };
      for (const [name, value] of Object.entries(await storage.settings.all())) {
        // Check job progress is transient state, not configuration.
        if (name.startsWith("job.")) continue;
        if (includeAuth || !isAuthRecord(name)) yield { type: "setting", name, value };
      }
    }
    const iterator = lines();
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
      },
    });
    const stamp = new Date(exportedAt)
      .toISOString()
      .replaceAll(":", "-")
      .replace(/\.\d+Z$/, "Z");
    return new Response(body, {
      headers: {
        "content-type": "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="keyhive-backup-${stamp}.jsonl"`,
        "cache-control": "no-store",
      },
    });
  });

  app.post("/restore", async (c) => {
    const { includeAuth } = readQuery(c, includeAuthQuery);
    // Every line is checked before the first write: a bad line anywhere writes nothing.
    const parsed = parseBackup(await c.req.text());
    const result = { keys: 0, duplicates: 0, tokens: 0, settings: 0, skippedAuth: 0 };
    const settings = parsed.flatMap((l) => (l.type === "setting" ? [l] : []));
    const auth = settings.filter((l) => isAuthRecord(l.name));
    if (!includeAuth) result.skippedAuth = auth.length;
    const keys = parsed.flatMap((l) => (l.type === "key" ? [l.record as KeyRecord] : []));
    for (let i = 0; i < keys.length; i += 500) {
      const batch = keys.slice(i, i + 500);
      const added = await deps.storage.keys.add(batch);
      result.keys += added.added.length;
      result.duplicates += added.duplicates.length;
      const addedIds = new Set(added.added);
      deps.pool.upsertLocal(batch.filter((r) => addedIds.has(r.id)));
    }
    for (const line of parsed) {
      if (line.type !== "token") continue;
      await deps.storage.tokens.put(line.record as TokenRecord);
      result.tokens++;
    }
    for (const line of settings) {
      if (!includeAuth && isAuthRecord(line.name)) continue;
      await deps.storage.settings.set(line.name, line.value);
      result.settings++;
    }
    // A restored signing secret changes every session's signature.
    if (includeAuth && auth.length > 0) deps.sessions.reset();
    await deps.settings.reload();
    await deps.onStateChanged?.();
    return c.json(result);
  });

  return app;
}

/** Parses and validates a whole backup; throws a 400 naming the first bad line. */
function parseBackup(text: string): BackupLine[] {
  const parsed: BackupLine[] = [];
  for (const [index, raw] of text.split("\n").entries()) {
    if (raw.trim() === "") continue;
    const where = `line ${index + 1}`;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      throw errors.badRequest(`Line ${index + 1} is not valid JSON.`, where);
    }
    const line = backupLine.safeParse(json);
    if (!line.success) {
      const issue = line.error.issues[0];
      const path = issue?.path.map(String).join(".");
      throw errors.badRequest(
        `Line ${index + 1}: ${path ? `field '${path}': ` : ""}${issue?.message ?? "invalid"}`,
        `${where}${path ? `.${path}` : ""}`,
      );
    }
    parsed.push(line.data);
  }
  if (!parsed.some((l) => l.type === "header")) {
    throw errors.badRequest("Not a Keyhive backup: the header line is missing.", "line 1");
  }
  return parsed;
}
