/**
 * End to end through the real gateway over real HTTP: client → gateway (node-server) →
 * SiliconFlow mock. Keys are added through the admin API like an operator would.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSiliconFlow } from "./siliconflow-provider.js";
import { type MockSiliconFlow, startMockSiliconFlow } from "./testing.js";

const key = (letter: string) => `sk-${letter.repeat(48)}`;
const OK = key("k");
const DEAD = key("m");
const ZERO = key("n");
const CLIENT = "kh-test-token";
/** Internal gateway errors: none may happen while serving these routes. */
const gatewayErrors: unknown[] = [];
const ADMIN = "test-admin-pass";

let mock: MockSiliconFlow;
let zeroMock: MockSiliconFlow;
let url: string;
let zeroURL: string;
const servers: ReturnType<typeof serve>[] = [];

async function startGateway(baseURL: string, keys: string[]): Promise<string> {
  const gateway = createGateway({
    providers: [createSiliconFlow({ baseURL })],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: ADMIN,
    onError: (error) => void gatewayErrors.push(error),
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  servers.push(server);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const added = await fetch(`${origin}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ provider: "siliconflow", keys }),
  });
  expect(added.status).toBe(201);
  expect(((await added.json()) as { added: unknown[] }).added).toHaveLength(keys.length);
  return origin;
}

const post = (path: string, body: unknown, origin = url) =>
  fetch(`${origin}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

beforeAll(async () => {
  mock = await startMockSiliconFlow({ keys: { [OK]: "ok" } });
  zeroMock = await startMockSiliconFlow({ keys: { [ZERO]: "zero-balance" } });
  url = await startGateway(mock.baseURL, [OK, DEAD]);
  zeroURL = await startGateway(zeroMock.baseURL, [ZERO]);
});

afterAll(async () => {
  for (const server of servers) await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
  await zeroMock.close();
});

describe("SiliconFlow through the gateway", () => {
  it("routes a bare /v1 chat request by its Org/Name model, with the pool key and no client token", async () => {
    const response = await post("/v1/chat/completions", {
      model: "Qwen/Qwen3-8B",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { choices: { message: { content: string } }[]; model: string };
    expect(json.model).toBe("Qwen/Qwen3-8B");
    expect(json.choices[0]?.message.content).toContain("SiliconFlow");
    const last = mock.requests.at(-1);
    expect(last?.path).toBe("/v1/chat/completions");
    expect(JSON.stringify(last?.headers)).not.toContain(CLIENT);
    expect([OK, DEAD]).toContain(last?.key);
  });

  it("streams chat completions as SSE ending in [DONE]", async () => {
    const response = await post("/siliconflow/v1/chat/completions", {
      model: "deepseek-ai/DeepSeek-V3",
      stream: true,
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    const events = text.split("\n\n").filter((e) => e.startsWith("data: "));
    expect(events.length).toBeGreaterThanOrEqual(7);
    expect(events.at(-1)).toBe("data: [DONE]");
  });

  it("serves embeddings, rerank and image generation", async () => {
    const embeddings = await post("/v1/embeddings", { model: "BAAI/bge-m3", input: ["a", "b"] });
    expect(((await embeddings.json()) as { data: unknown[] }).data).toHaveLength(2);
    const rerank = await post("/v1/rerank", {
      model: "BAAI/bge-reranker-v2-m3",
      query: "q",
      documents: ["x", "y", "z"],
    });
    expect(((await rerank.json()) as { results: unknown[] }).results).toHaveLength(3);
    const image = await post("/siliconflow/v1/images/generations", { model: "Kwai-Kolors/Kolors", prompt: "a cat" });
    expect(((await image.json()) as { images: { url: string }[] }).images[0]?.url).toMatch(/^https:/);
  });
});

describe("SiliconFlow audio and models through the gateway", () => {
  it("passes a multipart audio upload through byte for byte", async () => {
    const form = new FormData();
    form.set("model", "FunAudioLLM/SenseVoiceSmall");
    form.set("file", new Blob([new Uint8Array(3000).fill(7)], { type: "audio/wav" }), "a.wav");
    const request = new Request(`${url}/siliconflow/v1/audio/transcriptions`, {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT}` },
      body: form,
    });
    const sent = Buffer.from(await request.clone().arrayBuffer());
    const response = await fetch(request);
    expect(await response.json()).toEqual({ text: "transcribed 3000 bytes" });
    const received = mock.requests.at(-1);
    expect(received?.body.equals(sent)).toBe(true);
    expect(received?.headers["content-type"]).toBe(request.headers.get("content-type"));
  });

  it("returns speech audio as binary", async () => {
    const response = await post("/siliconflow/v1/audio/speech", {
      model: "FunAudioLLM/CosyVoice2-0.5B",
      input: "hi",
      voice: "FunAudioLLM/CosyVoice2-0.5B:alex",
    });
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe("ID3siliconflow-mock-audio");
  });

  it("lists models", async () => {
    const response = await fetch(`${url}/siliconflow/v1/models`, { headers: { authorization: `Bearer ${CLIENT}` } });
    const ids = ((await response.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids).toContain("Qwen/Qwen3-8B");
  });
});

describe("SiliconFlow keys through the gateway", () => {
  it("fails over from a dead key and stops using it", async () => {
    for (let i = 0; i < 4; i++) {
      const response = await post("/v1/chat/completions", { model: "Qwen/Qwen3-8B", messages: [] });
      expect(response.status).toBe(200);
    }
    expect(mock.requestsByKey.get(DEAD) ?? 0).toBeLessThanOrEqual(1);
  });

  it("keeps serving free models from a key whose balance ran out", async () => {
    const paid = await post("/v1/chat/completions", { model: "deepseek-ai/DeepSeek-V3", messages: [] }, zeroURL);
    expect(paid.status).toBeGreaterThanOrEqual(400);
    expect(await paid.text()).toMatch(/insufficient/i);
    const free = await post("/v1/chat/completions", { model: "Qwen/Qwen3-8B", messages: [] }, zeroURL);
    expect(free.status).toBe(200);
    expect(zeroMock.requestsByKey.get(ZERO)).toBeGreaterThanOrEqual(2);
  });
});

it("raised no internal gateway error along the way", () => {
  expect(gatewayErrors).toEqual([]);
});
