/**
 * The Responses API end to end: client → gateway (node-server) → OpenAI mock whose stored
 * responses belong to the key that created them (404 under any other key), over a pool of three
 * keys taken in turn — so every follow-up that reaches its creating key proves the affinity.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type Gateway, roundRobin } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOpenAI } from "./openai-provider.js";
import { type MockOpenAI, startMockOpenAI } from "./testing.js";

const CLIENT = "kh-test-token";
const KEYS = [
  "sk-proj-respA000000000000000000000",
  "sk-proj-respB000000000000000000000",
  "sk-proj-respC000000000000000000000",
];
const gatewayErrors: unknown[] = [];

let mock: MockOpenAI;
let gateway: Gateway;
let url: string;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  mock = await startMockOpenAI({ keys: Object.fromEntries(KEYS.map((key) => [key, "ok"])), slowMs: 30 });
  gateway = createGateway({
    providers: [createOpenAI({ baseURL: mock.baseURL })],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: "test-admin-pass",
    strategy: roundRobin(),
    onError: (error) => void gatewayErrors.push(error),
  });
  await gateway.ready();
  server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const added = await fetch(`${url}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: "Bearer test-admin-pass", "content-type": "application/json" },
    body: JSON.stringify({ provider: "openai", keys: KEYS }),
  });
  expect(added.status).toBe(201);
});

afterEach(() => {
  for (const key of KEYS) mock.setBehaviour(key, "ok");
  expect(gatewayErrors).toEqual([]);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
});

const call = (method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${CLIENT}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

/** The key the mock saw on its last request. */
const lastKey = () => mock.requests.at(-1)?.headers.authorization?.replace("Bearer ", "");
const keyIdOf = (secret: string) => gateway.pool.keysOf("openai").find((k) => k.secret === secret)?.id as string;

async function create(body: Record<string, unknown> = {}) {
  const res = await call("POST", "/v1/responses", { model: "gpt-4o-mini", input: "Say hello", ...body });
  expect(res.status).toBe(200);
  const json = (await res.json()) as { id: string; object: string; usage: { input_tokens: number } };
  return { ...json, key: lastKey() as string };
}

describe("Responses API: create", () => {
  it("creates a response as JSON and counts its usage (input_tokens / output_tokens)", async () => {
    const before = gateway.usage.local("key", keyIdOf(KEYS[0] as string));
    const created = await create();
    expect(created.object).toBe("response");
    expect(created.id).toMatch(/^resp_/);
    const after = gateway.usage.local("key", keyIdOf(created.key));
    const was = created.key === KEYS[0] ? before : undefined;
    expect((after?.promptTokens ?? 0) - (was?.promptTokens ?? 0)).toBeGreaterThanOrEqual(9);
    expect(after?.completionTokens).toBeGreaterThanOrEqual(5);
  });

  it("streams the typed SSE untouched, usage counted from response.completed", async () => {
    const counters = KEYS.map((key) => ({ ...gateway.usage.local("key", keyIdOf(key)) }));
    const res = await call("POST", "/v1/responses", { model: "gpt-4o-mini", input: "Hi", stream: true });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const text = await res.text();
    const types = [...text.matchAll(/^event: (.+)$/gm)].map((m) => m[1]);
    expect(types[0]).toBe("response.created");
    expect(types).toContain("response.output_text.delta");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).not.toContain("[DONE]");
    const served = KEYS.indexOf(lastKey() as string);
    const now = gateway.usage.local("key", keyIdOf(KEYS[served] as string));
    expect((now?.promptTokens ?? 0) - (counters[served]?.promptTokens ?? 0)).toBe(9);
    expect((now?.completionTokens ?? 0) - (counters[served]?.completionTokens ?? 0)).toBe(5);
  });

  it("passes an event split across TCP writes on whole, and the stream's id is remembered", async () => {
    const split = await startMockOpenAI({ keys: { [KEYS[0] as string]: "ok" }, splitEvents: true });
    const local = createGateway({
      providers: [createOpenAI({ baseURL: split.baseURL })],
      storage: createMemoryStorage(),
      clientTokens: [CLIENT],
      adminPassword: "test-admin-pass",
    });
    await local.ready();
    await local.pool.ready();
    const admin = { authorization: "Bearer test-admin-pass", "content-type": "application/json" };
    const body = JSON.stringify({ provider: "openai", keys: [KEYS[0]] });
    await local.app.request("/admin/api/keys", { method: "POST", headers: admin, body });
    const client = { authorization: `Bearer ${CLIENT}`, "content-type": "application/json" };
    const req = JSON.stringify({ model: "gpt-4o-mini", input: "Hi", stream: true });
    const res = await local.app.request("/v1/responses", { method: "POST", headers: client, body: req });
    const text = await res.text();
    const id = /"id":"(resp_[^"]+)"/.exec(text)?.[1] as string;
    expect(text.trimEnd().endsWith("}")).toBe(true);
    const again = await local.app.request(`/v1/responses/${id}`, { headers: client });
    expect(again.status).toBe(200);
    await split.close();
  });
});

describe("Responses API: follow-ups go to the key that created the response", () => {
  it("routes GET, input_items, cancel and DELETE by id to the creating key, for responses made by every key", async () => {
    const made = [];
    for (let i = 0; i < 6; i++) made.push(await create({ background: true }));
    expect(new Set(made.map((m) => m.key)).size).toBe(3);
    for (const { id, key } of made) {
      for (const [method, path] of [
        ["GET", `/v1/responses/${id}`],
        ["GET", `/v1/responses/${id}/input_items`],
        ["POST", `/v1/responses/${id}/cancel`],
        ["GET", `/openai/v1/responses/${id}`],
        ["DELETE", `/v1/responses/${id}`],
      ] as const) {
        const res = await call(method, path);
        expect(res.status, `${method} ${path}`).toBe(200);
        expect(lastKey()).toBe(key);
        const json = (await res.json()) as { id?: string; object: string; status?: string; deleted?: boolean };
        if (path.endsWith("/input_items")) expect(json.object).toBe("list");
        else expect(json.id).toBe(id);
        if (path.endsWith("/cancel")) expect(json.status).toBe("cancelled");
        if (method === "DELETE") expect(json.deleted).toBe(true);
      }
    }
  });

  it("pins a create naming previous_response_id to the key that created that response", async () => {
    const first = await create();
    for (let i = 0; i < 4; i++) {
      const next = await create({ previous_response_id: first.id });
      expect(next.key).toBe(first.key);
    }
  });
});

describe("Responses API: ids the gateway cannot serve", () => {
  it("refuses an id it did not see created: 404 in OpenAI's shape, and no key is tried", async () => {
    const sent = mock.requests.length;
    const res = await call("GET", "/v1/responses/resp_unknown123");
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { message: string; code: string; type: string } };
    expect(body.error.code).toBe("response_not_found");
    expect(body.error.message).toContain("No response 'resp_unknown123' was created through this gateway");
    expect(body.error.message).toContain("30 days");
    const previous = await call("POST", "/v1/responses", {
      model: "gpt-4o",
      input: "x",
      previous_response_id: "resp_nope",
    });
    expect(previous.status).toBe(404);
    expect(mock.requests.length).toBe(sent);
  });

  it("authenticates before it says anything about an id", async () => {
    const res = await fetch(`${url}/v1/responses/resp_unknown123`);
    expect(res.status).toBe(401);
  });

  it("names the id when its key is disabled (409) or gone (410), and never fails over", async () => {
    const created = await create();
    const keyId = keyIdOf(created.key);
    const sent = mock.requests.length;
    gateway.pool.patch(keyId, { status: "disabled" });
    try {
      const res = await call("GET", `/v1/responses/${created.id}`);
      expect(res.status).toBe(409);
      const body = (await res.json()) as { error: { message: string; code: string } };
      expect(body.error.code).toBe("affinity_key_unavailable");
      expect(body.error.message).toContain(`'${created.id}'`);
      const pinned = await call("POST", "/v1/responses", {
        model: "gpt-4o",
        input: "x",
        previous_response_id: created.id,
      });
      expect(pinned.status).toBe(409);
      expect(mock.requests.length).toBe(sent);
    } finally {
      gateway.pool.patch(keyId, { status: "active" });
    }
    const removed = await fetch(`${url}/admin/api/keys/${keyId}`, {
      method: "DELETE",
      headers: { authorization: "Bearer test-admin-pass" },
    });
    expect(removed.status).toBeLessThan(300);
    const gone = await call("GET", `/v1/responses/${created.id}`);
    expect(gone.status).toBe(410);
    const body = (await gone.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("affinity_key_gone");
    expect(body.error.message).toContain(`The key that created '${created.id}' is no longer in the pool`);
  });
});

describe("Responses API: a stream that breaks", () => {
  it("ends with a Responses-style error event", async () => {
    for (const key of KEYS) mock.setBehaviour(key, "cut-mid-stream");
    const res = await call("POST", "/v1/responses", { model: "gpt-4o-mini", input: "Hi", stream: true });
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text).toContain("event: response.output_text.delta");
    const last = text.trimEnd().split("\n\n").at(-1) as string;
    expect(last.split("\n")[0]).toBe("event: error");
    const data = JSON.parse(last.split("\n")[1]?.slice("data: ".length) ?? "{}");
    expect(data).toMatchObject({ type: "error", code: "stream_interrupted" });
    expect(data.message).toContain("Upstream stream interrupted");
  });
});
