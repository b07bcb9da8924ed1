/**
 * 20 concurrent writers × 500 keys spread over isolates a, b and c: KV holds all 10,000 (0 lost),
 * and every isolate's view (`GET /admin/api/instance`: total and digest) equals it within the
 * refresh interval — the node-redis `multi-instance-writers` test on Workers + the coordinator.
 */
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Isolates, NAMES, startIsolates } from "./isolates.js";
import { agreement, coordinatedTruth, digestOf, kvTruth, login, ms, secrets, viewOf } from "./truth.js";

/** The rig's KEYHIVE_REFRESH_INTERVAL_MS. */
const INTERVAL_MS = 500;
/**
 * How long every isolate's view may take to agree: the default refresh interval (5 s), ten of
 * this rig's intervals. Before the overlay was read first, the sync after this import read all
 * 10,000 changed ids from KV and took 8–34 s here (and would exceed a Worker's subrequest limit
 * on Cloudflare); now the changed records come from the object in one round trip (288–741 ms).
 */
const CONVERGE_MS = 5_000;
const WRITERS = 20;
const PER_WRITER = 500;
/**
 * Keys per POST: each writer sends its 500 in 5 requests, one after another. In this workerd at
 * most 16 of these admin requests run at once; a 17th waits, and one that waited for whole
 * 500-key requests (~25 s) had its connection reset (measured: 4 of 20 single 500-key POSTs).
 */
const PER_REQUEST = 100;

let mock: MockOpenAI;
let isolates: Isolates;
let cookie: string;
beforeAll(async () => {
  mock = await startMockOpenAI({ acceptAnyKey: true });
  isolates = await startIsolates(fileURLToPath(new URL("..", import.meta.url)), mock.baseURL, {
    refreshMs: INTERVAL_MS,
  });
  cookie = await login(isolates);
});
afterAll(async () => {
  await isolates?.close();
  await mock?.close();
});

/** One writer: its keys through one isolate's admin API, PER_REQUEST at a time; the ids added. */
async function addKeys(name: (typeof NAMES)[number], keys: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < keys.length; i += PER_REQUEST) {
    const body = { provider: "openai", keys: keys.slice(i, i + PER_REQUEST), check: false };
    const res = await isolates.admin(name, "/keys", body);
    const text = await res.text();
    if (res.status !== 201) throw new Error(`POST /admin/api/keys on ${name}: ${res.status} ${text.slice(0, 300)}`);
    ids.push(...(JSON.parse(text) as { added: { id: string }[] }).added.map((k) => k.id));
  }
  return ids;
}

/** Every key of the admin list of `name`, a page of 1000 at a time. */
async function listed(name: (typeof NAMES)[number]): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await isolates.admin(name, `/keys?pageSize=1000&page=${page}`);
    const body = (await res.json()) as { data: { id: string }[]; total: number };
    ids.push(...body.data.map((k) => k.id));
    if (body.data.length === 0 || ids.length >= body.total) return ids;
  }
}

describe(`${WRITERS} concurrent writers × ${PER_WRITER} keys over isolates a, b, c`, () => {
  it(`lose none: KV and every isolate hold all ${WRITERS * PER_WRITER}`, async () => {
    // Every isolate has built its gateway (and its view) before the writes.
    for (const name of NAMES) expect((await viewOf(isolates, name, cookie)).total).toBe(0);
    const start = performance.now();
    const added = await Promise.all(
      Array.from({ length: WRITERS }, (_, w) => addKeys(NAMES[w % NAMES.length] ?? "a", secrets(`w${w}`, PER_WRITER))),
    );
    const writeMs = performance.now() - start;
    for (const ids of added) expect(ids).toHaveLength(PER_WRITER);
    const expected = digestOf(added.flat().map((id) => ({ id, status: "active" })));

    const kv = await kvTruth(isolates.mf);
    expect(kv.total).toBe(WRITERS * PER_WRITER);
    expect(kv.digest).toBe(expected);
    // What the Worker's storage answers (KV with the coordinator's overlay over it) is the same.
    expect((await coordinatedTruth(isolates.mf)).digest).toBe(expected);

    const agreedAfter = await Promise.all(NAMES.map((name) => agreement(isolates, name, cookie, kv, CONVERGE_MS)));
    const listedTotals = await Promise.all(NAMES.map(async (name) => new Set(await listed(name)).size));
    console.log(
      `[writers] ${WRITERS}×${PER_WRITER} keys (${PER_REQUEST} per POST) written through a/b/c in ${writeMs.toFixed(0)} ms; ` +
        `KV holds ${kv.total}; isolates agree after ${agreedAfter.map(ms).join(", ")} (interval ${INTERVAL_MS} ms); ` +
        `admin lists hold ${listedTotals.join(", ")}`,
    );
    for (const [i, t] of agreedAfter.entries()) expect(t, `isolate ${NAMES[i]} never agreed`).toBeDefined();
    expect(listedTotals).toEqual([kv.total, kv.total, kv.total]);
  }, 120_000);
});
