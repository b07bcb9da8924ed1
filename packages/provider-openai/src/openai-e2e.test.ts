/**
 * End to end through the real gateway over real HTTP: client → gateway (node-server) → OpenAI
 * mock, plus a relay key whose own base URL points at a second mock.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAI } from "./openai-provider.js";
import { type MockOpenAI, startMockOpenAI } from "./testing.js";

const CLIENT = "kh-test-token";
const ADMIN = "test-admin-pass";
const OK = "sk-proj-e2e0000000000000000000000";
const BROKE = "sk-proj-broke00000000000000000000";
const RELAY_KEY = "relay-e2e-token-123";
/** Internal gateway errors: none may happen while serving these routes. */
const gatewayErrors: unknown[] = [];

let mock: MockOpenAI;
let relay: MockOpenAI;
let url: string;
let server: ReturnType<typeof serve>;

async function addKeys(body: Record<string, unknown>) {
  const response = await fetch(`${url}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
}

beforeAll(async () => {
  mock = await startMockOpenAI({ keys: { [OK]: "ok", [BROKE]: "no-quota" } });
  relay = await startMockOpenAI({ keys: { [RELAY_KEY]: "ok" }, prefix: "/openai/v1", models: ["relay-model"] });
  const gateway = createGateway({
    providers: [createOpenAI({ baseURL: mock.baseURL }), createOpenAI({ id: "relay", baseURL: mock.baseURL })],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: ADMIN,
    onError: (error) => void gatewayErrors.push(error),
  });
  await gateway.ready();
  server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await addKeys({ provider: "openai", keys: [OK, BROKE] });
  // The relay key carries its own base URL; the provider's default points elsewhere.
  await addKeys({ provider: "relay", keys: [RELAY_KEY], baseURL: `${relay.url}/openai/v1` });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
  await relay.close();
});

const post = (path: string, body: unknown) =>
  fetch(`${url}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

describe("OpenAI through the gateway", () => {
  it("serves chat completions, moving off a key without quota", async () => {
    for (let i = 0; i < 3; i++) {
      const response = await post("/v1/chat/completions", {
        model: "gpt-4o-mini",
        messages: [{ role: "user", content: "hi" }],
      });
      expect(response.status).toBe(200);
      expect(((await response.json()) as { object: string }).object).toBe("chat.completion");
    }
    expect(mock.requestsByKey.get(BROKE) ?? 0).toBeLessThanOrEqual(1);
    expect(JSON.stringify(mock.requests.map((r) => r.headers))).not.toContain(CLIENT);
  });

  it("streams chat completions", async () => {
    const response = await post("/openai/v1/chat/completions", { model: "gpt-4o-mini", stream: true, messages: [] });
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text()).split("\n\n").filter((e) => e.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(events.length).toBeGreaterThanOrEqual(7);
  });

  it("serves embeddings and models", async () => {
    const embeddings = await post("/v1/embeddings", { model: "text-embedding-3-small", input: ["a", "b"] });
    expect(((await embeddings.json()) as { data: unknown[] }).data).toHaveLength(2);
    const models = await fetch(`${url}/openai/v1/models`, { headers: { authorization: `Bearer ${CLIENT}` } });
    expect(((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id)).toContain("gpt-4o-mini");
  });

  it("sends a relay key's requests to its own base URL without doubling /v1", async () => {
    const response = await post("/relay/v1/chat/completions", { model: "relay-model", messages: [] });
    expect(response.status).toBe(200);
    expect(relay.requests.at(-1)?.path).toBe("/openai/v1/chat/completions");
    expect(relay.requests.at(-1)?.key).toBe(RELAY_KEY);
  });

  it("drops a client's ?key= token before the upstream", async () => {
    const response = await fetch(`${url}/openai/v1/models?key=${CLIENT}`);
    expect(response.status).toBe(200);
    expect(mock.requests.at(-1)?.path).toBe("/v1/models");
  });

  it("never lets a client credential reach the upstream, wherever the client put it", async () => {
    // The adapter strips nothing itself: the gateway takes credentials off before the rewrite.
    const before = mock.requests.length;
    const placements: Record<string, string>[] = [
      { authorization: `Bearer ${CLIENT}`, "x-api-key": CLIENT, cookie: `session=${CLIENT}` },
      { "x-api-key": CLIENT },
      {},
    ];
    for (const headers of placements) {
      const response = await fetch(`${url}/openai/v1/models?key=${CLIENT}&limit=5`, { headers });
      expect(response.status).toBe(200);
    }
    const seen = mock.requests.slice(before);
    expect(seen.length).toBeGreaterThanOrEqual(3);
    for (const request of seen) {
      expect(request.path).toBe("/v1/models?limit=5");
      expect(JSON.stringify(request.headers)).not.toContain(CLIENT);
      expect([OK, BROKE]).toContain(request.key);
    }
  });
});

it("raised no internal gateway error along the way", () => {
  expect(gatewayErrors).toEqual([]);
});
