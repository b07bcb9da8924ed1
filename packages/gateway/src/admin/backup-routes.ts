/**
 * Backup and restore as JSON lines, in the line format of `@keyhive/storage`'s `exportStore`
 * (`{"type":"header"|"key"|"token"|"setting", …}`), written against the Storage contract only.
 * Backups hold secrets: admin only. Restore adds keys idempotently and overwrites tokens and
 * settings of the same name.
 */
import { Hono } from "hono";
import * as z from "zod/mini";
import type { KeyPool } from "../pool/key-pool.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import { errors } from "../spec/errors.js";
import type { KeyRecord, Storage, TokenRecord } from "../spec/storage.js";
import { KEY_STATUSES } from "./key-filter.js";
import type { SessionSigner } from "./session.js";

const keyRecord = z.looseObject({
  id: z.string().check(z.minLength(1)),
  provider: z.string().check(z.minLength(1)),
  secret: z.string().check(z.minLength(1)),
  hash: z.string().check(z.minLength(1)),
  tags: z.array(z.string()),
  weight: z.number(),
  status: z.enum(KEY_STATUSES),
  statusChangedAt: z.number(),
  consecutiveFailures: z.number(),
  addedAt: z.number(),
  updatedAt: z.number(),
});
const tokenRecord = z.looseObject({
  id: z.string().check(z.minLength(1)),
  name: z.string(),
  hash: z.string().check(z.minLength(1)),
  hint: z.string(),
  createdAt: z.number(),
});
const backupLine = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("header"), format: z.literal("keyhive-backup"), version: z.literal(1) }),
  z.object({ type: z.literal("key"), record: keyRecord }),
  z.object({ type: z.literal("token"), record: tokenRecord }),
  z.object({ type: z.literal("setting"), name: z.string().check(z.minLength(1)), value: z.unknown() }),
  z.looseObject({ type: z.literal("history") }),
]);

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

  app.get("/backup", async () => {
    await deps.pool.flushWrites();
    const { storage } = deps;
    const exportedAt = deps.now();
    async function* lines() {
      yield { type: "header", format: "keyhive-backup", version: 1, exportedAt };
      let cursor: string | undefined;
      do {
        const page = await storage.keys.list({ cursor, limit: 500 });
        for (const record of page.items) yield { type: "key", record };
        cursor = page.cursor;
      } while (cursor);
      for (const record of await storage.tokens.list()) yield { type: "token", record };
      for (const [name, value] of Object.entries(await storage.settings.all())) {
        // Check job progress is transient state, not configuration.
        if (!name.startsWith("job.")) yield { type: "setting", name, value };
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
    const text = await c.req.text();
    const parsed: z.infer<typeof backupLine>[] = [];
    for (const [index, raw] of text.split("\n").entries()) {
      if (raw.trim() === "") continue;
      let json: unknown;
      try {
        json = JSON.parse(raw);
      } catch {
        throw errors.badRequest(`Line ${index + 1} is not valid JSON.`, `line ${index + 1}`);
      }
      const line = backupLine.safeParse(json);
      if (!line.success) {
        const issue = line.error.issues[0];
        const path = issue?.path.map(String).join(".");
        throw errors.badRequest(
          `Line ${index + 1}: ${path ? `field '${path}': ` : ""}${issue?.message ?? "invalid"}`,
          `line ${index + 1}${path ? `.${path}` : ""}`,
        );
      }
      parsed.push(line.data);
    }
    if (!parsed.some((l) => l.type === "header")) {
      throw errors.badRequest("Not a Keyhive backup: the header line is missing.", "line 1");
    }
    const result = { keys: 0, duplicates: 0, tokens: 0, settings: 0 };
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
      if (line.type === "token") {
        await deps.storage.tokens.put(line.record as TokenRecord);
        result.tokens++;
      } else if (line.type === "setting") {
        await deps.storage.settings.set(line.name, line.value);
        result.settings++;
      }
    }
    // A restored signing secret changes every session's signature.
    deps.sessions.reset();
    await deps.settings.reload();
    await deps.onStateChanged?.();
    return c.json(result);
  });

  return app;
}
