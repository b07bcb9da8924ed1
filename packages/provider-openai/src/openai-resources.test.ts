/**
 * OpenAI's stored resources and remaining operations on the bare `/v1` route: files, batches and
 * vector stores pinned to the key that created them (the mock answers 404 under any other key),
 * over a pool of three keys taken in turn; moderations, image edits and variations, and audio
 * translations served like every OpenAI operation.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, roundRobin } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createOpenAI } from "./openai-provider.js";
import { type MockOpenAI, startMockOpenAI } from "./testing.js";

const CLIENT = "kh-resources-token";
const KEYS = [
  "sk-proj-resA0000000000000000000000",
  "sk-proj-resB0000000000000000000000",
  "sk-proj-resC0000000000000000000000",
];

let mock: MockOpenAI;
let url: string;
let server: ReturnType<typeof serve>;

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
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const added = await fetch(`${url}/admin/api/keys`, {
    method: "POST",
    headers: { authorization: "Bearer test-admin-pass", "content-type": "application/json" },
    body: JSON.stringify({ provider: "openai", keys: KEYS }),
  });
  expect(added.status).toBe(201);
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await mock.close();
});

const auth = { authorization: `Bearer ${CLIENT}` };
const lastKey = () => mock.requests.at(-1)?.headers.authorization;
const json = (method: string, path: string, body?: unknown) =>
  fetch(`${url}${path}`, {
    method,
    headers: { ...auth, ...(body ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });

async function upload(content: string) {
  const form = new FormData();
  form.set("purpose", "batch");
  form.set("file", new Blob([content], { type: "application/jsonl" }), "input.jsonl");
  const res = await fetch(`${url}/v1/files`, { method: "POST", headers: auth, body: form });
  expect(res.status).toBe(200);
  return { ...((await res.json()) as { id: string }), key: lastKey() };
}

describe("stored resources follow the key that created them", () => {
  it("reads and deletes files on their creating key", async () => {
    const files = [await upload("one"), await upload("two"), await upload("three")];
    expect(new Set(files.map((f) => f.key)).size).toBe(3);
    for (const [i, file] of files.entries()) {
      const content = await fetch(`${url}/v1/files/${file.id}/content`, { headers: auth });
      expect(await content.text()).toBe(["one", "two", "three"][i]);
      expect(lastKey()).toBe(file.key);
      expect((await json("GET", `/openai/v1/files/${file.id}`)).status).toBe(200);
      expect(lastKey()).toBe(file.key);
      const removed = await json("DELETE", `/v1/files/${file.id}`);
      expect(((await removed.json()) as { deleted: boolean }).deleted).toBe(true);
      expect(lastKey()).toBe(file.key);
    }
  });

  it("pins a batch to its input file's key, and remembers the batch's output file", async () => {
    for (let i = 0; i < 3; i++) {
      const input = await upload(`{"custom_id":"${i}"}`);
      const res = await json("POST", "/v1/batches", {
        input_file_id: input.id,
        endpoint: "/v1/chat/completions",
        completion_window: "24h",
      });
      expect(res.status).toBe(200);
      expect(lastKey()).toBe(input.key);
      const batch = (await res.json()) as { id: string; output_file_id: string };
      expect((await json("GET", `/v1/batches/${batch.id}`)).status).toBe(200);
      expect(lastKey()).toBe(input.key);
      expect((await json("POST", `/v1/batches/${batch.id}/cancel`)).status).toBe(200);
      const output = await fetch(`${url}/v1/files/${batch.output_file_id}/content`, { headers: auth });
      expect(output.status).toBe(200);
      expect(lastKey()).toBe(input.key);
    }
  });

  it("routes vector stores and uploads by id", async () => {
    for (let i = 0; i < 3; i++) {
      const store = (await (await json("POST", "/v1/vector_stores", { name: `vs${i}` })).json()) as { id: string };
      const creator = lastKey();
      expect((await json("GET", `/v1/vector_stores/${store.id}`)).status).toBe(200);
      expect(lastKey()).toBe(creator);
      expect((await json("DELETE", `/v1/vector_stores/${store.id}`)).status).toBe(200);
      expect(lastKey()).toBe(creator);
      const started = await json("POST", "/v1/uploads", {
        purpose: "batch",
        filename: "a",
        bytes: 1,
        mime_type: "text/plain",
      });
      const up = (await started.json()) as { id: string };
      const uploader = lastKey();
      expect((await json("POST", `/v1/uploads/${up.id}/cancel`)).status).toBe(200);
      expect(lastKey()).toBe(uploader);
    }
  });

  it("refuses ids it did not see created, naming the kind", async () => {
    const sent = mock.requests.length;
    const file = await json("GET", "/v1/files/file-nope");
    expect(file.status).toBe(404);
    const body = (await file.json()) as { error: { message: string; code: string } };
    expect(body.error.code).toBe("file_not_found");
    expect(body.error.message).toContain("No file 'file-nope' was created through this gateway");
    const batch = await json("POST", "/v1/batches", { input_file_id: "file-nope", endpoint: "/v1/chat/completions" });
    expect(batch.status).toBe(404);
    expect(((await batch.json()) as { error: { code: string } }).error.code).toBe("file_not_found");
    const store = await json("GET", "/v1/vector_stores/vs_nope");
    expect(((await store.json()) as { error: { code: string } }).error.code).toBe("vector_store_not_found");
    expect(mock.requests.length).toBe(sent);
  });
});

describe("the remaining OpenAI operations on the bare route", () => {
  it("serves moderations, image edits and variations, and audio translations", async () => {
    const moderation = await json("POST", "/v1/moderations", { model: "omni-moderation-latest", input: "hi" });
    expect(moderation.status).toBe(200);
    expect(((await moderation.json()) as { results: unknown[] }).results).toHaveLength(1);
    for (const path of ["/v1/images/edits", "/v1/images/variations", "/v1/audio/translations"]) {
      const form = new FormData();
      form.set("model", path.includes("audio") ? "whisper-1" : "gpt-image-1");
      form.set(path.includes("audio") ? "file" : "image", new Blob(["bytes"]), "in.bin");
      const res = await fetch(`${url}${path}`, { method: "POST", headers: auth, body: form });
      expect(res.status, path).toBe(200);
      expect(mock.requests.at(-1)?.path).toBe(path);
    }
  });
});
