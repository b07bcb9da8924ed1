/**
 * Keyhive on Node with Redis storage: run as many instances as you like on one Redis; they share
 * keys, tokens and settings, and each sees the others' changes within the refresh interval.
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { adminUI } from "@keyhive/admin-ui";
import { createGateway, type Gateway, nodeClientAddress, parsePublicURL, parseTrustProxy } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createRedisStorage } from "@keyhive/storage/redis";

const env = process.env;
// How long in-flight requests and streams may finish after SIGTERM/SIGINT (ms).
const drainMs = Number(env.KEYHIVE_DRAIN_MS || 10_000);
if (!Number.isInteger(drainMs) || drainMs < 0) {
  console.error(`KEYHIVE_DRAIN_MS must be an integer of 0 or more, got '${env.KEYHIVE_DRAIN_MS}'.`);
  process.exit(2);
}
const fetch = createNodeFetch();
const redis = await createRedisStorage({ url: env.REDIS_URL ?? "redis://127.0.0.1:6379/0" });
// KEYHIVE_ENCRYPTION_KEY (the same on every instance): keys and auth records sealed with AES-256-GCM.
const storage = env.KEYHIVE_ENCRYPTION_KEY ? withEncryption(redis, { secret: env.KEYHIVE_ENCRYPTION_KEY }) : redis;
let gateway: Gateway;
try {
  gateway = createGateway({
    providers: [
      createOpenAI({ baseURL: env.OPENAI_BASE_URL || undefined, fetch }),
      createSiliconFlow({ baseURL: env.SILICONFLOW_BASE_URL || undefined, fetch }),
      createGemini({ baseURL: env.GEMINI_BASE_URL || undefined, fetch }),
    ],
    storage,
    fetch,
    // Every instance needs the same secrets: configure them, do not let each generate its own.
    adminPassword: required("KEYHIVE_ADMIN_PASSWORD"),
    clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "").split(",").filter(Boolean),
    refreshIntervalMs: Number(env.KEYHIVE_REFRESH_INTERVAL_MS ?? 5000),
    // The socket's peer is the client; X-Forwarded-* only from the proxies KEYHIVE_TRUST_PROXY names.
    clientAddress: nodeClientAddress,
    trustProxy: parseTrustProxy(env.KEYHIVE_TRUST_PROXY),
    publicURL: parsePublicURL(env.KEYHIVE_PUBLIC_URL),
    settings: { defaultProvider: "openai" },
    ui: adminUI(),
  });
} catch (error) {
  // A refused configuration (a weak KEYHIVE_ADMIN_PASSWORD, a bad KEYHIVE_TRUST_PROXY): say why.
  console.error(`keyhive: ${(error as Error).message}`);
  await redis.close?.();
  process.exit(2);
}
await gateway.ready();
setInterval(() => gateway.recheck().catch(console.error), 60_000).unref();

const host = env.HOST ?? "127.0.0.1";
// No custom createServer is given, so this is a plain node:http server.
const server = serve({ fetch: gateway.app.fetch, port: Number(env.PORT ?? 8787), hostname: host }, (info) =>
  console.log(`Keyhive gateway listening on http://${host}:${info.port} (Redis storage)`),
) as Server;

// Graceful shutdown, as in examples/node/src/graceful-shutdown.ts: stop accepting, close sockets
// as their requests end, cut what is left after KEYHIVE_DRAIN_MS, flush, exit 0.
let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) {
    console.log(`${signal} again: exiting without waiting (status 1)`);
    process.exit(1);
  }
  stopping = true;
  const started = Date.now();
  server.prependListener("request", (_req, res) => res.setHeader("connection", "close"));
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  console.log(`Shutting down: draining for up to ${drainMs} ms`);
  const idle = setInterval(() => server.closeIdleConnections(), 100);
  let cut = 0;
  const overtime = setTimeout(
    () =>
      server.getConnections((_error, count) => {
        cut = count;
        server.closeAllConnections();
      }),
    drainMs,
  );
  await closed;
  clearInterval(idle);
  clearTimeout(overtime);
  const ms = Date.now() - started;
  console.log(
    cut > 0 ? `Drain time over after ${ms} ms: cut ${cut} connection(s)` : `Drained in ${ms} ms, no connection cut`,
  );
  await gateway.flush();
  await storage.close?.();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);

function required(name: string): string {
  const value = env[name];
  if (!value) {
    console.error(`Set ${name}: every instance on the same Redis must share it.`);
    process.exit(2);
  }
  return value;
}
