/** A gateway served over real HTTP (node-server) with the providers and storage a test picks. */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway, type Gateway, type GatewayOptions, newKeyRecord } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";

export const CLIENT_TOKEN = "kh-integration-client-token";
export const ADMIN_PASSWORD = "integration-admin-password";

export interface Served {
  gateway: Gateway;
  url: string;
  /** fetch against the gateway with the client token; `json` is sent as a JSON body. */
  call(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** fetch against the admin API with the admin password as bearer. */
  admin(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

export async function serveGateway(
  options: Partial<GatewayOptions> & Pick<GatewayOptions, "providers">,
): Promise<Served> {
  const gateway = createGateway({
    storage: createMemoryStorage(),
    clientTokens: [CLIENT_TOKEN],
    adminPassword: ADMIN_PASSWORD,
    // As if behind one proxy, so tests may name their client in X-Forwarded-For.
    trustProxy: 1,
    onError: (e) => {
      if (process.env.DEBUG_GATEWAY) console.error(e);
    },
    ...options,
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" }) as Server;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    gateway,
    url,
    call: (path, init = {}) => send(`${url}${path}`, `Bearer ${CLIENT_TOKEN}`, init),
    admin: (path, init = {}) => send(`${url}${path}`, `Bearer ${ADMIN_PASSWORD}`, init),
    async close() {
      server.closeAllConnections?.();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function send(url: string, authorization: string, init: RequestInit & { json?: unknown }): Promise<Response> {
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

/** Puts keys straight into storage and the pool. */
export async function seedKeys(gateway: Gateway, secrets: string[], provider: string): Promise<void> {
  const records = await Promise.all(secrets.map((secret) => newKeyRecord({ provider, secret }, Date.now())));
  await gateway.storage.keys.add(records);
  gateway.pool.upsertLocal(records);
}

/** The `name=value` pair of a response's first Set-Cookie. */
export const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(";")[0] ?? "";
