/** Test-only helpers: a gateway served over real HTTP in front of the mock upstream. */
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createOpenAI } from "@keyhive/provider-openai";
import { createMemoryStorage } from "@keyhive/storage";
import { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
import { type MockOpenAI, type MockOpenAIOptions, startMockOpenAI } from "./testing/mock-openai.js";

export const CLIENT_TOKEN = "kh-test-client-token";
export const ADMIN_PASSWORD = "test-admin-password";

export interface TestRig {
  mock: MockOpenAI;
  gateway: Gateway;
  url: string;
  /** fetch against the gateway with the client token. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  addKeys(keys: string[], provider?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startRig(
  mockOptions: MockOpenAIOptions,
  gatewayOptions: Partial<GatewayOptions> = {},
  /** The providers, given the mock (default: one OpenAI provider on it). */
  providers: (mock: MockOpenAI) => GatewayOptions["providers"] = (mock) => [createOpenAI({ baseURL: mock.baseURL })],
): Promise<TestRig> {
  const mock = await startMockOpenAI(mockOptions);
  const gateway = createGateway({
    providers: providers(mock),
    storage: createMemoryStorage(),
    clientTokens: [CLIENT_TOKEN],
    adminPassword: ADMIN_PASSWORD,
    // As if behind one proxy: tests name their client in X-Forwarded-For, so that one test's
    // failed logins do not throttle another's. Tests of the default pass `trustProxy: false`.
    trustProxy: 1,
    onError: (e) => {
      if (process.env.DEBUG_GATEWAY) console.error(e);
    },
    ...gatewayOptions,
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const call = (path: string, init: RequestInit & { json?: unknown } = {}) => {
    const headers = new Headers(init.headers);
    if (!headers.has("authorization")) headers.set("authorization", `Bearer ${CLIENT_TOKEN}`);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    }
    return fetch(`${url}${path}`, { ...init, headers, body, method: init.method ?? (body ? "POST" : "GET") });
  };
  return {
    mock,
    gateway,
    url,
    call,
    addKeys: (keys, provider = "openai") =>
      fetch(`${url}/admin/api/keys`, {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN_PASSWORD}`, "content-type": "application/json" },
        body: JSON.stringify({ provider, keys }),
      }),
    async close() {
      (server as import("node:http").Server).closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    },
  };
}

export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

/** Puts keys straight into storage and the pool (tests that are not about the admin API). */
export async function seedKeys(gateway: Gateway, secrets: string[], provider = "openai"): Promise<void> {
  const { newKeyRecord } = await import("./pool/new-key.js");
  const records = await Promise.all(secrets.map((secret) => newKeyRecord({ provider, secret }, Date.now())));
  await gateway.storage.keys.add(records);
  gateway.pool.upsertLocal(records);
}

/** Deterministic PRNG (mulberry32), for reproducible random selection in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * fetch against the gateway's admin API with the admin password as bearer (scripts' way in).
 * `json` is sent as a JSON body; pass `headers.authorization` to override.
 */
export function adminCall(
  rig: Pick<TestRig, "url">,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<Response> {
  const headers = new Headers(init.headers);
  if (!headers.has("authorization")) headers.set("authorization", `Bearer ${ADMIN_PASSWORD}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(init.json);
  }
  return fetch(`${rig.url}${path}`, { ...init, headers, body, method: init.method ?? (body ? "POST" : "GET") });
}

/** Reads an SSE response into `{event, data}` records until the stream ends. */
export async function readSSE(res: Response): Promise<{ event: string; data: string }[]> {
  const text = await res.text();
  const events: { event: string; data: string }[] = [];
  for (const block of text.split("\n\n")) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
    }
    if (data.length > 0) events.push({ event, data: data.join("\n") });
  }
  return events;
}

/** Signs in to the admin API like a browser (same-origin `Origin`); returns the response. */
export function adminLogin(rig: Pick<TestRig, "url">, password = ADMIN_PASSWORD, ip = "10.0.0.1"): Promise<Response> {
  return fetch(`${rig.url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: rig.url, "x-forwarded-for": ip },
    body: JSON.stringify({ password }),
  });
}

/** The `name=value` pair of a response's first Set-Cookie. */
export const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(";")[0] ?? "";

/**
 * A fetch whose connections leave from `localAddress` (e.g. `127.0.0.2`: any 127/8 address is
 * this machine on Linux), so a test can be two clients with two real socket addresses.
 */
export function fetchFrom(localAddress: string) {
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) headers.append(name, v);
          }
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(init.body);
    });
}
