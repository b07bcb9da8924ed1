/**
 * The gateway's test rig: a real gateway served over real HTTP (node-server) in front of the
 * fake upstream, with the fake provider and the memory storage — nothing from another package.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type Gateway, type GatewayOptions } from "../../src/gateway.js";
import { newKeyRecord } from "../../src/pool/new-key.js";
import { createFakeProvider } from "./fake-provider.js";
import { type FakeUpstream, type FakeUpstreamOptions, startFakeUpstream } from "./fake-upstream.js";
import { createMemoryStorage } from "./memory-storage.js";

export const CLIENT_TOKEN = "kh-test-client-token";
export const ADMIN_PASSWORD = "test-admin-password";
/** The fake provider's id, the rig's default provider. */
export const FAKE = "fake";

export interface TestRig {
  upstream: FakeUpstream;
  gateway: Gateway;
  url: string;
  /** fetch against the gateway with the client token; `json` is sent as a JSON body. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** Adds keys through the admin API. */
  addKeys(keys: string[], provider?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startRig(
  upstreamOptions: FakeUpstreamOptions,
  gatewayOptions: Partial<GatewayOptions> = {},
  /** The providers, given the upstream (default: one fake provider on it). */
  providers: (upstream: FakeUpstream) => GatewayOptions["providers"] = (upstream) => [
    createFakeProvider({ baseURL: upstream.baseURL }),
  ],
): Promise<TestRig> {
  const upstream = await startFakeUpstream(upstreamOptions);
  const gateway = createGateway({
    providers: providers(upstream),
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
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    upstream,
    gateway,
    url,
    call: (path, init = {}) => sendJson(`${url}${path}`, `Bearer ${CLIENT_TOKEN}`, init),
    addKeys: (keys, provider = FAKE) => adminCall({ url }, "/admin/api/keys", { json: { provider, keys } }),
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await upstream.close();
    },
  };
}

/** A chat completion request for the fake upstream's default model. */
export const chatBody = (extra: Record<string, unknown> = {}) => ({
  model: "fake-chat-small",
  messages: [{ role: "user", content: "Hi" }],
  ...extra,
});

/** Puts keys straight into storage and the pool (tests that are not about the admin API). */
export async function seedKeys(gateway: Gateway, secrets: string[], provider = FAKE): Promise<void> {
  const records = await Promise.all(secrets.map((secret) => newKeyRecord({ provider, secret }, Date.now())));
  await gateway.storage.keys.add(records);
  gateway.pool.upsertLocal(records);
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
  return sendJson(`${rig.url}${path}`, `Bearer ${ADMIN_PASSWORD}`, init);
}

function sendJson(url: string, authorization: string, init: RequestInit & { json?: unknown }): Promise<Response> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (!headers.has("authorization")) headers.set("authorization", authorization);
  let body = rest.body;
  if (json !== undefined) {
    headers.set("content-type", "application/json");
    body = JSON.stringify(json);
  }
  return fetch(url, { ...rest, headers, body, method: rest.method ?? (body ? "POST" : "GET") });
}
