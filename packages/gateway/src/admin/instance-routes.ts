/**
 * `GET /admin/api/instance`: which process answered, when it last synced, and a digest of its
 * in-memory key view, so operators and multi-instance tests can check that every instance agrees
 * with storage. Shapes: `schemas/instance.ts`.
 */
import { Hono } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import type { KeyRecord } from "../spec/storage.js";
import { sha256Hex } from "../util/crypto.js";

export interface InstanceRoutesDeps {
  pool: KeyPool;
  /** This process's instance id (the usage meter's). */
  instanceId: string;
  startedAt: number;
  /** Epoch ms of the last sync with storage, undefined before the first. */
  lastSyncAt?: () => number | undefined;
}

/** sha256 hex of the sorted `"<id> <status>"` lines joined by `\n`: equal views, equal digests. */
export function keysDigest(records: Iterable<Pick<KeyRecord, "id" | "status">>): Promise<string> {
  const lines: string[] = [];
  for (const record of records) lines.push(`${record.id} ${record.status}`);
  // Plain code-unit order, so any language recomputes it the same way.
  lines.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return sha256Hex(lines.join("\n"));
}

export function instanceRoutes(deps: InstanceRoutesDeps) {
  const app = new Hono();
  app.get("/", async (c) => {
    const records = deps.pool.keysOf();
    const byStatus = deps.pool.countByStatus();
    return c.json({
      id: deps.instanceId,
      startedAt: deps.startedAt,
      lastSyncAt: deps.lastSyncAt?.() ?? null,
      keys: { total: records.length, byStatus, digest: await keysDigest(records) },
    });
  });
  return app;
}
