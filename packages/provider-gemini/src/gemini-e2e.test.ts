/**
 * End to end through the real gateway over real HTTP: raw HTTP clients and the official
 * `@google/genai` SDK → gateway (node-server) → Gemini mock.
 */
import type { AddressInfo } from "node:net";
import { ApiError, GoogleGenAI } from "@google/genai";
import { serve } from "@hono/node-server";
import { createGateway } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGemini } from "./gemini-provider.js";
import { GEMINI_KEYS as K } from "./gemini-test-keys.js";
import { type MockGemini, startMockGemini } from "./testing.js";

const CLIENT = "kh-test-token";
/** Internal gateway errors: none may happen while serving these routes. */
const gatewayErrors: unknown[] = [];
const ADMIN = "test-admin-pass";
const GENERATE = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

let mock: MockGemini;
let url: string;
let server: ReturnType<typeof serve>;

beforeAll(async () => {
  mock = await startMockGemini({ keys: { [K.ok]: "ok", [K.ok2]: "ok", [K.minute]: "minute-quota" } });
  const gateway = createGateway({
    providers: [createGemini({ baseURL: mock.baseURL })],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: ADMIN,
    onError: (error) => void gatewayErrors.push(error),
  });
  await gateway.ready();
  server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const added = await fetch(`${url}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify({ provider: "gemini", keys: [K.ok, K.ok2, K.minute] }),
  });
  expect(added.status).toBe(201);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
});

/** Every upstream request since `from` carried a pool key in a header and no client token. */
function expectCleanUpstream(from: number) {
  const seen = mock.requests.slice(from);
  expect(seen.length).toBeGreaterThan(0);
  for (const r of seen) {
    expect(JSON.stringify(r.headers)).not.toContain(CLIENT);
    expect(r.path).not.toContain("key=");
    expect(r.keySource).toBe(r.path.startsWith("/v1beta/openai/") ? "bearer" : "header");
  }
}

describe("Gemini native API through the gateway (raw HTTP)", () => {
  it("serves generateContent at the root with the client token in x-goog-api-key", async () => {
    const from = mock.requests.length;
    const response = await fetch(`${url}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: "POST",
      headers: { "x-goog-api-key": CLIENT, "content-type": "application/json" },
      body: JSON.stringify(GENERATE),
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { candidates: { content: { parts: { text: string }[] } }[] };
    expect(json.candidates[0]?.content.parts[0]?.text).toBe("Hello from the Gemini mock.");
    expectCleanUpstream(from);
  });

  it("streams streamGenerateContent?alt=sse under /gemini with the client token in ?key=", async () => {
    const from = mock.requests.length;
    const response = await fetch(
      `${url}/gemini/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse&key=${CLIENT}`,
      {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(GENERATE),
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const events = (await response.text()).split(/\r?\n\r?\n/).filter((e) => e.startsWith("data: "));
    expect(events).toHaveLength(6);
    const last = JSON.parse(events.at(-1)?.slice(6) ?? "{}") as { candidates: { finishReason?: string }[] };
    expect(last.candidates[0]?.finishReason).toBe("STOP");
    expectCleanUpstream(from);
    expect(mock.requests.at(-1)?.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
  });
});

describe("Gemini native API through the gateway (raw HTTP): other operations, quotas, errors", () => {
  it("serves countTokens, embedContent and batchEmbedContents", async () => {
    const call = (action: string, body: unknown) =>
      fetch(`${url}/v1beta/models/${action}`, {
        method: "POST",
        headers: { "x-goog-api-key": CLIENT, "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.json() as Promise<Record<string, unknown>>);
    expect(await call("gemini-2.0-flash:countTokens", GENERATE)).toMatchObject({ totalTokens: 7 });
    expect(await call("text-embedding-004:embedContent", { content: { parts: [{ text: "a" }] } })).toHaveProperty(
      "embedding.values",
    );
    const batch = await call("text-embedding-004:batchEmbedContents", {
      requests: [1, 2].map(() => ({ model: "models/text-embedding-004", content: { parts: [{ text: "a" }] } })),
    });
    expect(batch.embeddings).toHaveLength(2);
  });

  it("lists and gets models natively", async () => {
    const list = await fetch(`${url}/v1beta/models?pageSize=2`, { headers: { "x-goog-api-key": CLIENT } });
    const page = (await list.json()) as { models: { name: string }[]; nextPageToken?: string };
    expect(page.models.map((m) => m.name)).toEqual(["models/gemini-2.0-flash", "models/gemini-2.0-flash-lite"]);
    expect(page.nextPageToken).toBeTruthy();
    const one = await fetch(`${url}/v1beta/models/gemini-2.5-pro`, { headers: { "x-goog-api-key": CLIENT } });
    expect(((await one.json()) as { name: string }).name).toBe("models/gemini-2.5-pro");
  });

  it("moves off a key whose per-minute quota is spent, for that model", async () => {
    for (let i = 0; i < 5; i++) {
      const response = await fetch(`${url}/v1beta/models/gemini-2.5-flash:generateContent`, {
        method: "POST",
        headers: { "x-goog-api-key": CLIENT, "content-type": "application/json" },
        body: JSON.stringify(GENERATE),
      });
      expect(response.status).toBe(200);
    }
    // The quota-limited key was tried at most once, then cooled for this model.
    expect(
      mock.requests.filter((r) => r.key === K.minute && r.path.includes("gemini-2.5-flash")).length,
    ).toBeLessThanOrEqual(1);
  });

  it("rejects a request without a client token before reaching the upstream", async () => {
    const from = mock.requests.length;
    const response = await fetch(`${url}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(GENERATE),
    });
    expect(response.status).toBe(401);
    // Google's error shape on native routes, as Gemini clients expect.
    expect(await response.json()).toMatchObject({ error: { code: 401, status: "UNAUTHENTICATED" } });
    expect(mock.requests.length).toBe(from);
  });
});

describe("Gemini OpenAI-compatible API through the gateway", () => {
  const post = (path: string, body: unknown) =>
    fetch(`${url}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("routes a bare /v1 chat request for a gemini model to /v1beta/openai", async () => {
    const from = mock.requests.length;
    const response = await post("/v1/chat/completions", {
      model: "gemini-2.0-flash",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toBe("Hello from the Gemini mock.");
    expect(mock.requests.at(-1)?.path).toBe("/v1beta/openai/chat/completions");
    expectCleanUpstream(from);
  });

  it("streams chat completions", async () => {
    const response = await post("/gemini/v1/chat/completions", {
      model: "gemini-2.0-flash",
      stream: true,
      messages: [],
    });
    const events = (await response.text()).split("\n\n").filter((e) => e.startsWith("data: "));
    expect(events.at(-1)).toBe("data: [DONE]");
    expect(events.length).toBe(7);
  });

  it("serves embeddings and models", async () => {
    const embeddings = await post("/gemini/v1/embeddings", { model: "text-embedding-004", input: ["a", "b"] });
    expect(((await embeddings.json()) as { data: unknown[] }).data).toHaveLength(2);
    const models = await fetch(`${url}/gemini/v1/models`, { headers: { authorization: `Bearer ${CLIENT}` } });
    const ids = ((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect(ids).toContain("models/gemini-2.0-flash");
  });
});

describe("the official @google/genai SDK against the gateway", () => {
  const sdk = () => new GoogleGenAI({ apiKey: CLIENT, httpOptions: { baseUrl: url } });

  it("generateContent", async () => {
    const result = await sdk().models.generateContent({ model: "gemini-2.0-flash", contents: "hi" });
    expect(result.text).toBe("Hello from the Gemini mock.");
    expect(result.usageMetadata?.totalTokenCount).toBe(10);
  });

  it("generateContentStream", async () => {
    const from = mock.requests.length;
    const parts: string[] = [];
    for await (const chunk of await sdk().models.generateContentStream({ model: "gemini-2.0-flash", contents: "hi" })) {
      parts.push(chunk.text ?? "");
    }
    expect(parts).toEqual(["Hello", " from", " the", " Gemini", " mock", "."]);
    expect(mock.requests.at(-1)?.path).toBe("/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse");
    expectCleanUpstream(from);
  });

  it("embedContent", async () => {
    const result = await sdk().models.embedContent({ model: "text-embedding-004", contents: ["a", "b"] });
    expect(result.embeddings).toHaveLength(2);
    expect(result.embeddings?.[0]?.values).toEqual([0.013, -0.008, 0.021, 0.004]);
  });

  it("surfaces a gateway error as the SDK's ApiError with Google's status", async () => {
    const wrong = new GoogleGenAI({ apiKey: "kh-wrong-token", httpOptions: { baseUrl: url } });
    const error = await wrong.models.generateContent({ model: "gemini-2.0-flash", contents: "hi" }).catch((e) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toContain("UNAUTHENTICATED");
  });

  it("models.list pages through every model", async () => {
    const names: string[] = [];
    for await (const model of await sdk().models.list({ config: { pageSize: 3 } })) names.push(model.name ?? "");
    expect(names).toHaveLength(7);
    expect(names).toContain("models/gemini-embedding-001");
  });
});

it("raised no internal gateway error along the way", () => {
  expect(gatewayErrors).toEqual([]);
});
