/**
 * `KeyhiveCoordinator`: the Durable Object that owns the hot, shared state of every isolate of a
 * Keyhive Worker — atomic counters (token rpm and daily quotas, the login throttle), a
 * sequence-numbered key change feed, the latest record of each recently changed key (an overlay
 * read over the eventually consistent KV/D1 record) and the tokens/settings revision. One object
 * runs single-threaded and its transactional storage is strongly consistent, so every isolate
 * sees one counter and one order of key changes. Answers JSON over `fetch` (see `do-protocol.ts`).
 */
import type { CounterResult, KeyChanges, KeyRecord } from "@keyhive/gateway";
import type { CoordinatorRequest, OverlayEntry } from "./do-protocol.js";

/** The part of `DurableObjectStorage` the coordinator uses (the KV-style API: SQLite or legacy). */
export interface DurableObjectStorageLike {
  get<T>(key: string): Promise<T | undefined>;
  get<T>(keys: string[]): Promise<Map<string, T>>;
  put(entries: Record<string, unknown>): Promise<void>;
  delete(keys: string[]): Promise<number>;
  list<T>(options?: { prefix?: string; start?: string; limit?: number }): Promise<Map<string, T>>;
  getAlarm(): Promise<number | null>;
  setAlarm(at: number): Promise<void>;
}

export interface DurableObjectStateLike {
  storage: DurableObjectStorageLike;
}

interface Counter {
  value: number;
  expiresAt: number;
}

/**
 * Feed entries kept (each one write of up to a batch of ids): the newest 10,000, and none older
 * than the overlay — a cursor from before either reloads everything (a listing) rather than
 * reading each changed id from the durable store, whose overlay record has expired.
 */
const FEED_ENTRIES = 10_000;

/** One feed entry: when, and which ids. Entries written before `at` existed are bare arrays. */
type FeedEntry = { at: number; ids: string[] } | string[];
const idsOf = (entry: FeedEntry) => (Array.isArray(entry) ? entry : entry.ids);
/** Overlay records outlive KV's propagation (~60 s) by far, then the durable record is current. */
const OVERLAY_MS = 10 * 60_000;
const SWEEP_MS = 60_000;
const pad = (seq: number) => String(seq).padStart(16, "0");

export class KeyhiveCoordinator {
  private readonly storage: DurableObjectStorageLike;

  constructor(state: DurableObjectStateLike, _env?: unknown) {
    this.storage = state.storage;
  }

  async fetch(request: Request): Promise<Response> {
    try {
      return Response.json(await this.handle((await request.json()) as CoordinatorRequest));
    } catch (error) {
      return Response.json({ error: (error as Error).message }, { status: 500 });
    }
  }

  /** Sweeps expired counters and overlay records, and trims the feed. */
  async alarm(): Promise<void> {
    const now = Date.now();
    const stale: string[] = [];
    for (const [key, counter] of await this.storage.list<Counter>({ prefix: "c:" }))
      if (counter.expiresAt <= now) stale.push(key);
    for (const [key, entry] of await this.storage.list<OverlayEntry>({ prefix: "o:" }))
      if (entry.at + OVERLAY_MS <= now) stale.push(key);
    const seq = (await this.storage.get<number>("seq")) ?? 0;
    let oldest = Math.max(1, seq - FEED_ENTRIES + 1, (await this.storage.get<number>("oldest")) ?? 1);
    for (const [key, entry] of await this.storage.list<FeedEntry>({ prefix: "f:", limit: 1000 })) {
      const expired = !Array.isArray(entry) && entry.at + OVERLAY_MS <= now;
      if (key >= `f:${pad(oldest)}` && !expired) break; // in order: the rest are newer
      stale.push(key);
      oldest = Math.max(oldest, Number(key.slice(2)) + 1);
    }
    for (let i = 0; i < stale.length; i += 128) await this.storage.delete(stale.slice(i, i + 128));
    await this.storage.put({ oldest });
    const more =
      (await this.storage.list({ prefix: "c:", limit: 1 })).size +
      (await this.storage.list({ prefix: "o:", limit: 1 })).size +
      (await this.storage.list({ prefix: "f:", limit: 1 })).size;
    if (more > 0) await this.storage.setAlarm(now + SWEEP_MS);
  }

  private async handle(req: CoordinatorRequest): Promise<unknown> {
    switch (req.op) {
      case "increment":
        return this.increment(req.name, req.amount, req.ttlMs, req.limit);
      case "get": {
        const counter = await this.storage.get<Counter>(`c:${req.name}`);
        return counter && counter.expiresAt > Date.now() ? counter.value : 0;
      }
      case "write":
        return this.write(req.records ?? [], req.deleted ?? [], req.touched ?? []);
      case "patch":
        return this.patch(req.id, req.patch, req.base);
      case "overlay":
        return this.overlay(req.ids);
      case "changes":
        return this.changes(req.cursor);
      case "revision":
        return (await this.storage.get<number>("revision")) ?? 0;
      case "bump": {
        const revision = ((await this.storage.get<number>("revision")) ?? 0) + 1;
        await this.storage.put({ revision });
        return revision;
      }
    }
  }

  private async increment(name: string, amount: number, ttlMs: number, limit?: number): Promise<CounterResult> {
    const key = `c:${name}`;
    const now = Date.now();
    const found = await this.storage.get<Counter>(key);
    const live = found && found.expiresAt > now ? found : { value: 0, expiresAt: now + ttlMs };
    const next = live.value + amount;
    if (limit !== undefined && amount > 0 && next > limit) return { applied: false, value: live.value };
    await this.storage.put({ [key]: { value: next, expiresAt: live.expiresAt } });
    await this.ensureAlarm(now);
    return { applied: true, value: next };
  }

  /** Records written records (overlay), deleted ids (tombstones) and ids to re-read, as one feed entry. */
  private async write(records: KeyRecord[], deleted: string[], touched: string[]): Promise<string> {
    const at = Date.now();
    const entries: Record<string, unknown> = {};
    for (const record of records) entries[`o:${record.id}`] = { at, record } satisfies OverlayEntry;
    for (const id of deleted) entries[`o:${id}`] = { at, record: null } satisfies OverlayEntry;
    const ids = [...new Set([...records.map((r) => r.id), ...deleted, ...touched])];
    return this.append(ids, entries, at);
  }

  private async append(ids: string[], entries: Record<string, unknown>, now: number): Promise<string> {
    const seq = ((await this.storage.get<number>("seq")) ?? 0) + 1;
    // Puts of one call are atomic: the overlay and its feed entry land together or not at all.
    await this.storage.put({ ...entries, seq, [`f:${pad(seq)}`]: { at: now, ids } satisfies FeedEntry });
    await this.ensureAlarm(now);
    return String(seq);
  }

  /** Merges a patch into the newest record (the overlay's, else the caller's durable read). */
  private async patch(id: string, patch: Partial<KeyRecord>, base: KeyRecord | null): Promise<KeyRecord | null> {
    const entry = await this.storage.get<OverlayEntry>(`o:${id}`);
    const current = pickNewer(entry, base);
    if (!current) return null;
    const record = { ...current, ...patch, id: current.id } as KeyRecord;
    const at = Date.now();
    await this.append([id], { [`o:${id}`]: { at, record } satisfies OverlayEntry }, at);
    return record;
  }

  private async overlay(ids: string[]): Promise<Record<string, OverlayEntry>> {
    const found = await this.storage.get<OverlayEntry>(ids.map((id) => `o:${id}`));
    const out: Record<string, OverlayEntry> = {};
    for (const [key, entry] of found) out[key.slice(2)] = entry;
    return out;
  }

  private async changes(cursor?: string): Promise<KeyChanges> {
    const seq = (await this.storage.get<number>("seq")) ?? 0;
    if (cursor === undefined) return { ids: [], cursor: String(seq), complete: true };
    const from = Number(cursor);
    const oldest = (await this.storage.get<number>("oldest")) ?? 1;
    if (!Number.isInteger(from) || from > seq || from + 1 < oldest) {
      return { ids: [], cursor: String(seq), complete: false };
    }
    const ids = new Set<string>();
    let last = from;
    const page = await this.storage.list<FeedEntry>({ start: `f:${pad(from + 1)}`, prefix: "f:", limit: 1000 });
    for (const [key, entry] of page) {
      for (const id of idsOf(entry)) ids.add(id);
      last = Number(key.slice(2));
    }
    return { ids: [...ids], cursor: String(last), complete: true };
  }

  private async ensureAlarm(now: number): Promise<void> {
    if ((await this.storage.getAlarm()) === null) await this.storage.setAlarm(now + SWEEP_MS);
  }
}

/** The newer of an overlay entry and a durable record: the overlay unless the durable one was written later. */
export function pickNewer(entry: OverlayEntry | undefined, durable: KeyRecord | null): KeyRecord | null {
  if (!entry) return durable;
  if (durable && entry.record && durable.updatedAt > entry.record.updatedAt) return durable;
  return entry.record;
}
