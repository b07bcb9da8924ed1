/**
 * `GET /keys/:id/timeline`: what happened to one key. Transitions and balances from the history
 * (stored, plus this instance's entries not yet written); latency and error rate per bucket from
 * the request log's attempts with the key. Shapes: `schemas/timeline.ts`.
 */
import { Hono } from "hono";
import type * as z from "zod/mini";
import type { LogReader } from "../logs/log-reader.js";
import type { KeyPool } from "../pool/key-pool.js";
import { errors } from "../spec/errors.js";
import type { HistoryEntry, HistoryStore, KeyStatus } from "../spec/storage.js";
import { maskSecret } from "../util/mask.js";
import { type keyTimeline, timelineQuery } from "./schemas/timeline.js";
import { readQuery } from "./validate.js";

type Timeline = z.output<typeof keyTimeline>;
type Bucket = Timeline["buckets"][number];

export interface TimelineDeps {
  pool: KeyPool;
  history: HistoryStore;
  reader: LogReader | undefined;
  now: () => number;
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** Attempts read per timeline at most: bounds the work of a busy key's month. */
export const TIMELINE_MAX_RECORDS = 50_000;

export function timelineRoutes(deps: TimelineDeps) {
  const app = new Hono();
  app.get("/:id/timeline", async (c) => {
    const id = c.req.param("id");
    const key = deps.pool.get(id);
    if (!key) throw errors.notFound(`No key '${id}'.`, "key_not_found");
    const query = readQuery(c, timelineQuery);
    const until = query.until ?? deps.now();
    const since = query.since ?? until - DAY_MS;
    if (since >= until) throw errors.badRequest("`since` must be before `until`.", "since");
    const bucketMs = Math.max(MINUTE_MS, Math.ceil((until - since) / 48 / MINUTE_MS) * MINUTE_MS);
    const history = await historyOf(deps, id, since, until);
    const traffic = deps.reader ? await bucketsOf(deps.reader, id, since, until, bucketMs) : undefined;
    const body: Timeline = {
      keyId: id,
      keyMasked: maskSecret(key.secret),
      status: key.status,
      since,
      until,
      bucketMs,
      transitions: history
        .filter((e) => e.kind === "status")
        .map((e) => ({
          at: e.at,
          from: e.data.from as KeyStatus,
          to: e.data.to as KeyStatus,
          ...(typeof e.data.reason === "string" ? { reason: e.data.reason } : {}),
        }))
        .reverse(),
      balances: history
        .filter((e) => e.kind === "balance" && typeof e.data.balance === "number")
        .map((e) => ({ at: e.at, balance: e.data.balance as number })),
      buckets: traffic?.buckets ?? [],
      source: deps.reader?.source ?? "off",
      truncated: traffic?.truncated ?? false,
    };
    return c.json(body);
  });
  return app;
}

/** Stored entries and the pool's unwritten ones, oldest first. */
async function historyOf(deps: TimelineDeps, keyId: string, since: number, until: number): Promise<HistoryEntry[]> {
  const pending = deps.pool.pendingHistory.filter((e) => e.keyId === keyId && e.at >= since && e.at <= until);
  const stored = await deps.history.query({ since, until, keyId });
  return [...stored, ...pending].sort((a, b) => a.at - b.at);
}

async function bucketsOf(reader: LogReader, keyId: string, since: number, until: number, bucketMs: number) {
  const slots = new Map<number, { requests: number; failures: number; ms: number[] }>();
  let seen = 0;
  for await (const record of reader.matching({ key: keyId, since, until }, TIMELINE_MAX_RECORDS)) {
    seen++;
    for (const attempt of record.attempts) {
      if (attempt.keyId !== keyId) continue;
      const at = since + Math.floor((record.at - since) / bucketMs) * bucketMs;
      const slot = slots.get(at) ?? { requests: 0, failures: 0, ms: [] };
      slot.requests++;
      if (attempt.failure && attempt.failure !== "client_error") slot.failures++;
      slot.ms.push(attempt.ms);
      slots.set(at, slot);
    }
  }
  const buckets: Bucket[] = [...slots.entries()]
    .sort(([a], [b]) => a - b)
    .map(([at, slot]) => {
      const sorted = slot.ms.sort((a, b) => a - b);
      return {
        at,
        requests: slot.requests,
        failures: slot.failures,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
      };
    });
  return { buckets, truncated: seen >= TIMELINE_MAX_RECORDS };
}

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)] ?? null;
}
