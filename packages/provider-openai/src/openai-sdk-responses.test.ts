/**
 * The official `openai` SDK (6.30.1) as the client of the gateway's Responses API: create,
 * stream, retrieve, input items, delete, `previous_response_id`, and a broken stream ending in the
 * SDK's typed `error` event — every follow-up served by the key that created the response.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, roundRobin } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAI } from "./openai-provider.js";
import { type MockOpenAI, startMockOpenAI } from "./testing.js";

const CLIENT = "kh-sdk-token";
const KEYS = ["sk-proj-sdkA0000000000000000000000", "sk-proj-sdkB0000000000000000000000"];

let mock: MockOpenAI;
let server: ReturnType<typeof serve>;
let client: OpenAI;

beforeAll(async () => {
  mock = await startMockOpenAI({ keys: Object.fromEntries(KEYS.map((key) => [key, "ok"])) });
  const gateway = createGateway({
    providers: [createOpenAI({ baseURL: mock.baseURL })],
    storage: createMemoryStorage(),
    clientTokens: [CLIENT],
    adminPassword: "test-admin-pass",
    strategy: roundRobin(),
  });
  await gateway.ready();
  server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const added = await fetch(`${url}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: "Bearer test-admin-pass", "content-type": "application/json" },
    body: JSON.stringify({ provider: "openai", keys: KEYS }),
  });
  expect(added.status).toBe(201);
  client = new OpenAI({ apiKey: CLIENT, baseURL: `${url}/v1`, maxRetries: 0 });
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
});

const lastKey = () => mock.requests.at(-1)?.headers.authorization;

describe("the openai SDK against the gateway's Responses API", () => {
  it("creates, retrieves, lists input items and deletes, each follow-up on the creating key", async () => {
    for (let i = 0; i < 2; i++) {
      const response = await client.responses.create({ model: "gpt-4o-mini", input: "Say hello" });
      const creator = lastKey();
      expect(response.output_text).toContain("Hello");
      expect((await client.responses.retrieve(response.id)).id).toBe(response.id);
      expect(lastKey()).toBe(creator);
      const items = await client.responses.inputItems.list(response.id);
      expect(items.data[0]?.type).toBe("message");
      expect(lastKey()).toBe(creator);
      const next = await client.responses.create({
        model: "gpt-4o-mini",
        input: "More",
        previous_response_id: response.id,
      });
      expect(next.previous_response_id).toBe(response.id);
      expect(lastKey()).toBe(creator);
      await client.responses.delete(response.id);
      expect(lastKey()).toBe(creator);
    }
  });

  it("streams typed events", async () => {
    const stream = await client.responses.create({ model: "gpt-4o-mini", input: "Hi", stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") expect(event.response.usage?.output_tokens).toBe(5);
    }
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(text).toBe("Hello from the mock upstream");
  });

  it("raises an unknown id as NotFoundError", async () => {
    await expect(client.responses.retrieve("resp_never_made")).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it("ends a stream broken mid-answer with the Responses error event the SDK types (ResponseErrorEvent)", async () => {
    for (const key of KEYS) mock.setBehaviour(key, "cut-mid-stream");
    try {
      const stream = await client.responses.create({ model: "gpt-4o-mini", input: "Hi", stream: true });
      const seen: OpenAI.Responses.ResponseStreamEvent[] = [];
      for await (const event of stream) seen.push(event);
      expect(seen.map((event) => event.type)).toContain("response.output_text.delta");
      const last = seen.at(-1);
      expect(last?.type).toBe("error");
      if (last?.type === "error") {
        expect(last.code).toBe("stream_interrupted");
        expect(last.message).toContain("Upstream stream interrupted");
      }
    } finally {
      for (const key of KEYS) mock.setBehaviour(key, "ok");
    }
  });
});
