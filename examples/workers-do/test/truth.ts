/**
 * What storage holds, read from Node through Miniflare's binding proxies: every `keyhive:keys:*`
 * record of the shared KV namespace (`id status`, digested like `GET /admin/api/instance`), and
 * the coordinator object's overlay of those ids (records it holds newer than KV's, or deletions).
 */
import { createHash } from "node:crypto";
import type { DurableObjectNamespaceLike } from "@keyhive/storage/cloudflare-do";
import type { Miniflare } from "miniflare";
import { ADMIN, type Isolates, type NAMES } from "./isolates.js";

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

interface Line {
  id: string;
  status: string;
  updatedAt?: number;
}

export interface Truth {
  total: number;
  digest: string;
  ids: string[];
}

/** sha256 hex of the sorted `id status` lines joined by `\n` (what `GET /admin/api/instance` reports). */
export function digestOf(lines: Line[]): string {
  const sorted = lines.map((l) => `${l.id} ${l.status}`).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(sorted.join("\n")).digest("hex");
}

const truthOf = (lines: Line[]): Truth => ({
  total: lines.length,
  digest: digestOf(lines),
  ids: lines.map((l) => l.id),
});

/** The parts of the bindings' proxies used here (no workers-types in this example). */
interface KVLike {
  list(options: { prefix: string; cursor?: string; limit: number }): Promise<{
    keys: { name: string; metadata?: Line | null }[];
    list_complete: boolean;
    cursor?: string;
  }>;
  get(key: string, type: "json"): Promise<Line | null>;
}

/** Every key record in KV by id (records ride in the KV key's metadata; a key without it is read). */
async function kvRecords(mf: Miniflare): Promise<Map<string, Line>> {
  const kv = (await mf.getKVNamespace("KEYHIVE_KV", "a")) as unknown as KVLike;
  const byId = new Map<string, Line>();
  let cursor: string | undefined;
  do {
    const page = await kv.list({ prefix: "keyhive:keys:", cursor, limit: 1000 });
    for (const key of page.keys) {
      const record = key.metadata ?? (await kv.get(key.name, "json"));
      if (record) byId.set(record.id, { id: record.id, status: record.status, updatedAt: record.updatedAt });
    }
    cursor = page.list_complete ? undefined : page.cursor;
  } while (cursor);
  return byId;
}

export const kvTruth = async (mf: Miniflare): Promise<Truth> => truthOf([...(await kvRecords(mf)).values()]);

interface OverlayEntry {
  at: number;
  record: Line | null;
}

/** The coordinator's overlay entries for `ids` (one POST per 500 ids, as the Worker asks it). */
export async function overlayOf(mf: Miniflare, ids: string[]): Promise<Record<string, OverlayEntry>> {
  const ns = (await mf.getDurableObjectNamespace("KEYHIVE_COORDINATOR", "a")) as unknown as DurableObjectNamespaceLike;
  const stub = ns.get(ns.idFromName("keyhive"));
  const out: Record<string, OverlayEntry> = {};
  for (let i = 0; i < ids.length; i += 500) {
    const res = await stub.fetch("https://coordinator/", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ op: "overlay", ids: ids.slice(i, i + 500) }),
    });
    Object.assign(out, (await res.json()) as Record<string, OverlayEntry>);
  }
  return out;
}

/** KV's records with the overlay read over them, for KV's ids and `also` (what the Worker's storage answers). */
export async function coordinatedTruth(mf: Miniflare, also: string[] = []): Promise<Truth> {
  const records = await kvRecords(mf);
  const ids = [...new Set([...records.keys(), ...also])];
  const overlay = await overlayOf(mf, ids);
  const lines: Line[] = [];
  for (const id of ids) {
    const entry = overlay[id];
    const durable = records.get(id);
    // The Worker's pickNewer: the overlay's record unless the durable one was written later.
    const newer = durable && entry?.record && (durable.updatedAt ?? 0) > (entry.record.updatedAt ?? 0);
    const record = entry && !newer ? entry.record : durable;
    if (record) lines.push({ id, status: record.status });
  }
  return truthOf(lines);
}

export interface View {
  total: number;
  digest: string;
}

/** A signed-in admin session (cookie): valid in every isolate, and its requests sync a stale view. */
export async function login(isolates: Isolates): Promise<string> {
  const res = await isolates.call("a", "/admin/api/login", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ password: ADMIN }),
  });
  const cookie = (res.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
  if (res.status !== 200 || !cookie) throw new Error(`login: ${res.status} ${await res.text()}`);
  await res.body?.cancel();
  return cookie;
}

/**
 * One isolate's in-memory key view (`GET /admin/api/instance`) as the admin UI sees it: a session
 * request syncs first when the last sync is older than the refresh interval. (On Workers no timer
 * syncs an idle isolate: proxied requests and session requests do; a Bearer call does not.)
 */
export async function viewOf(isolates: Isolates, name: (typeof NAMES)[number], cookie: string): Promise<View> {
  const res = await isolates.call(name, "/admin/api/instance", { headers: { cookie } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /admin/api/instance on ${name}: ${res.status} ${text}`);
  return (JSON.parse(text) as { keys: View }).keys;
}

/**
 * Polls `probe` every `everyMs` until true; the ms from the start to the answer that was true
 * (a probe's own duration included: a view that syncs for 30 s took 30 s), or undefined once
 * `timeoutMs` passed without one.
 */
export async function timeUntil(probe: () => Promise<boolean>, timeoutMs: number, everyMs = 20) {
  const start = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) return undefined;
    await sleep(everyMs);
  }
}

/** How long until `name`'s view equals `truth` (undefined: not within `timeoutMs`). */
export const agreement = (
  isolates: Isolates,
  name: (typeof NAMES)[number],
  cookie: string,
  truth: View,
  timeoutMs: number,
) =>
  timeUntil(async () => {
    const view = await viewOf(isolates, name, cookie);
    return view.total === truth.total && view.digest === truth.digest;
  }, timeoutMs);

export const ms = (t: number | undefined) => (t === undefined ? "NEVER" : `${t.toFixed(0)} ms`);

/** `n` distinct OpenAI-shaped secrets with a tag. */
export const secrets = (tag: string, n: number) =>
  Array.from({ length: n }, (_, i) => `sk-do-${tag}-${String(i).padStart(8, "0")}-isolates`);
