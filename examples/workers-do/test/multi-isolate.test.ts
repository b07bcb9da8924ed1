/**
 * One gateway across isolates: exact limits through the coordinator, a key added in one isolate
 * served by another, a key that died in one isolate not tried again by the others.
 */
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chat, type Isolates, NAMES, startIsolates } from "./isolates.js";

const OK = "sk-do-isolates-ok-key-000001";
const DEAD = "sk-do-isolates-dead-key-00002";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** All requests of a test inside one calendar minute (the rpm window). */
async function startOfAMinute(needSeconds = 20) {
  const left = 60 - new Date().getUTCSeconds();
  if (left < needSeconds) await sleep(left * 1000 + 200);
}

let mock: MockOpenAI;
let isolates: Isolates;
beforeAll(async () => {
  mock = await startMockOpenAI({ keys: { [OK]: "ok", [DEAD]: "invalid" } });
  isolates = await startIsolates(fileURLToPath(new URL("..", import.meta.url)), mock.baseURL);
});
afterAll(async () => {
  await isolates?.close();
  await mock?.close();
});

const tokenWith = async (limits: Record<string, number>) => {
  const res = await isolates.admin("a", "/tokens", { name: `t${Math.random()}`, ...limits });
  expect(res.status).toBe(201);
  // The other isolates learn of a new token at their next sync (the refresh interval, 500 ms here).
  await sleep(1200);
  return ((await res.json()) as { token: string }).token;
};

describe("workers-do: several isolates behave like one gateway", () => {
  it("serves a key added in isolate a from isolates b and c (figure printed)", async () => {
    // Every isolate has built its gateway (and its view) before the key exists.
    for (const name of NAMES) expect((await isolates.call(name, "/health")).status).toBeLessThan(500);
    const added = await isolates.admin("a", "/keys", { provider: "openai", keys: [OK] });
    expect(added.status).toBe(201);
    const token = await tokenWith({});
    const at = Date.now();
    for (const name of ["b", "c"] as const) {
      let res = await chat(isolates, name, token);
      while (res.status !== 200 && Date.now() - at < 10_000) {
        await sleep(100);
        res = await chat(isolates, name, token);
      }
      expect(res.status, name).toBe(200);
    }
    console.log(`workers-do: key added in a served by b and c after ${Date.now() - at} ms`);
  });

  it("gives a token with rpm 10 exactly 10 of 30 requests spread over three isolates", async () => {
    const token = await tokenWith({ rpm: 10 });
    await startOfAMinute();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        chat(isolates, NAMES[i % 3] ?? "a", token).then(async (r) =>
          r.status === 200 || r.status === 429 ? r.status : `${r.status} ${await r.text()}`,
        ),
      ),
    );
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses.slice(0, 3)),
    ).toHaveLength(10);
    expect(
      statuses.filter((s) => s === 429),
      JSON.stringify(statuses.filter((s) => s !== 200 && s !== 429)),
    ).toHaveLength(20);
  });

  it("gives a token with dailyRequests 10 exactly 10 of 30, one isolate after another", async () => {
    const token = await tokenWith({ dailyRequests: 10 });
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await chat(isolates, NAMES[i % 3] ?? "a", token)).status);
    expect(
      statuses.filter((s) => s === 200),
      JSON.stringify(statuses.slice(0, 3)),
    ).toHaveLength(10);
  });

  it("does not try a key again in b and c once it died in a (figure printed)", async () => {
    await isolates.admin("a", "/keys", { filter: {} }, "DELETE");
    expect((await isolates.admin("a", "/keys", { provider: "openai", keys: [DEAD, OK] })).status).toBe(201);
    await sleep(1200);
    const token = await tokenWith({});
    const deadTries = () => mock.requests.filter((r) => r.headers.authorization === `Bearer ${DEAD}`).length;
    // Until a request of a meets it, every isolate may pick it; then it is dead everywhere.
    while (deadTries() === 0) expect((await chat(isolates, "a", token)).status).toBe(200);
    const triedInA = deadTries();
    await sleep(1200);
    for (let i = 0; i < 20; i++) expect((await chat(isolates, i % 2 ? "b" : "c", token)).status).toBe(200);
    console.log(`workers-do: dead key tried ${triedInA}× in a, ${deadTries() - triedInA}× in b and c after`);
    expect(deadTries()).toBe(triedInA);
  });
});
