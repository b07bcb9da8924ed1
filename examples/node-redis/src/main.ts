/**
 * Keyhive on Node with Redis storage: run as many instances as you like on one Redis; they share
 * keys, tokens and settings, and each sees the others' changes within the refresh interval.
 */
import { serve } from "@hono/node-server";
import { adminUI } from "@keyhive/admin-ui";
import { createGateway } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { createRedisStorage } from "@keyhive/storage/redis";

const env = process.env;
const fetch = createNodeFetch();
const storage = await createRedisStorage({ url: env.REDIS_URL ?? "redis://127.0.0.1:6379/0" });
const gateway = createGateway({
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
  settings: { defaultProvider: "openai" },
  ui: adminUI(),
});
await gateway.ready();
setInterval(() => gateway.recheck().catch(console.error), 60_000).unref();

const host = env.HOST ?? "127.0.0.1";
const server = serve({ fetch: gateway.app.fetch, port: Number(env.PORT ?? 8787), hostname: host }, (info) =>
  console.log(`Keyhive gateway listening on http://${host}:${info.port} (Redis storage)`),
);
const shutdown = () =>
  server.close(async () => {
    await gateway.flush();
    await storage.close?.();
    process.exit(0);
  });
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);

function required(name: string): string {
  const value = env[name];
  if (!value) {
    console.error(`Set ${name}: every instance on the same Redis must share it.`);
    process.exit(2);
  }
  return value;
}
