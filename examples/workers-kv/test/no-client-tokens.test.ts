/**
 * Without KEYHIVE_CLIENT_TOKENS the Worker generates no client token (nothing would show it):
 * clients get a 401 saying how to create one, and the token an admin creates then works.
 */
import { fileURLToPath } from "node:url";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createKVStorage, type KVNamespaceLike } from "@keyhive/storage/cloudflare-kv";
import { afterAll, beforeAll, expect, it } from "vitest";
import { type StartedWorker, startWorker } from "./start-worker.js";

const ADMIN = "worker-admin-password-123";
const UPSTREAM_KEY = "sk-no-tokens-upstream-0001";
const NO_CLIENT_TOKEN =
  "This gateway has no client token yet: an admin creates one in the admin UI (/admin, Tokens) " +
  "or configures KEYHIVE_CLIENT_TOKENS.";

let mock: MockOpenAI;
let worker: StartedWorker;

beforeAll(async () => {
  mock = await startMockOpenAI({ keys: { [UPSTREAM_KEY]: "ok" } });
  worker = await startWorker(fileURLToPath(new URL("..", import.meta.url)), {
    KEYHIVE_ADMIN_PASSWORD: ADMIN,
    OPENAI_BASE_URL: mock.baseURL,
  });
});
afterAll(async () => {
  await worker?.close();
  await mock?.close();
});

const chat = (token?: string) =>
  worker.call("/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
const admin = (path: string, body: unknown) =>
  worker.call(`/admin/api${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

it("stores no generated token and answers clients a 401 naming /admin and KEYHIVE_CLIENT_TOKENS", async () => {
  for (const token of [undefined, "kh-guessed-token"]) {
    const res = await chat(token);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      error: { message: NO_CLIENT_TOKEN, type: "authentication_error", code: "invalid_api_key", param: null },
    });
  }
  const kv = (await worker.mf.getKVNamespace("KEYHIVE_KV")) as unknown as KVNamespaceLike;
  expect(await createKVStorage({ binding: kv }).tokens.list()).toEqual([]);
  expect(worker.stderr()).not.toMatch(/kh-[A-Za-z0-9_-]{20,}/); // no token printed either
});

it("a client token created in the admin API then works", async () => {
  expect((await admin("/keys", { provider: "openai", keys: [UPSTREAM_KEY] })).status).toBe(201);
  const created = await admin("/tokens", { name: "first" });
  expect(created.status).toBe(201);
  const { token } = (await created.json()) as { token: string };
  const res = await chat(token);
  expect(res.status).toBe(200);
  // Once a token exists, a wrong one gets the usual answer.
  const wrong = await chat("kh-wrong");
  expect(wrong.status).toBe(401);
  expect(((await wrong.json()) as { error: { message: string } }).error.message).toBe("Invalid client token.");
});
