/**
 * The overshoot the coordinator removes, measured: the plain KV Worker (examples/workers-kv) as
 * three isolates sharing one KV namespace. With no shared counter each isolate enforces a
 * token's limits alone, so N isolates serve up to N × the limit — the bound the storage README
 * states for KV. 60 requests spread evenly over 3 isolates, rpm 10: at most 30 served.
 */
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, type Isolates, NAMES, startIsolates } from "./isolates.js";

const OK = "sk-kv-isolates-ok-key-000001";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let mock: MockOpenAI;
let isolates: Isolates;
beforeAll(async () => {
  mock = await startMockOpenAI({ keys: { [OK]: "ok" } });
  const workersKV = fileURLToPath(new URL("../../workers-kv", import.meta.url));
  isolates = await startIsolates(workersKV, mock.baseURL, { coordinator: false });
  expect((await isolates.admin("a", "/keys", { provider: "openai", keys: [OK] })).status).toBe(201);
});
afterAll(async () => {
  await isolates?.close();
  await mock?.close();
});

describe("workers-kv without a coordinator: limits per isolate", () => {
  it("rpm 10 over 3 isolates serves more than 10 and at most 3 × 10 of 60 requests (figure printed)", async () => {
    const created = await isolates.admin("a", "/tokens", { name: "kv-rpm", rpm: 10 });
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: string };
    await sleep(1200); // the other isolates' next sync
    const left = 60 - new Date().getUTCSeconds(); // all requests inside one rpm minute
    if (left < 20) await sleep(left * 1000 + 200);
    const statuses = await Promise.all(
      Array.from({ length: 60 }, (_, i) => chat(isolates, NAMES[i % 3] ?? "a", token).then((r) => r.status)),
    );
    const served = statuses.filter((s) => s === 200).length;
    console.log(`[kv limits] rpm 10, 60 requests over 3 isolates without a coordinator: ${served} served`);
    expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
    expect(served).toBeGreaterThan(10); // what the coordinator prevents
    expect(served).toBeLessThanOrEqual(30); // the documented bound: isolates × rpm
  });
});
