/**
 * "Build your own gateway in code" (docs/build-your-own.md): the smallest program composing a
 * gateway from chosen providers, a storage and the admin UI, mounted inside an existing Hono app.
 */
import { serve } from "@hono/node-server";
import { adminUI } from "@keyhive/admin-ui";
import { configFromEnv, createGateway, gatewayOptionsFromConfig } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createFsStorage } from "@keyhive/storage/fs";
import { Hono } from "hono";

// Every variable, strictly parsed (docs/configuration.md); "openai" also reads OPENAI_BASE_URL.
const config = configFromEnv(process.env, { providers: ["openai"] });
const gateway = createGateway({
  ...gatewayOptionsFromConfig(config), // admin password, client tokens, proxies, public URL
  providers: [createOpenAI({ baseURL: config.baseURLs.openai }), createGemini()],
  storage: createFsStorage({ dir: config.dataDir }),
  ui: adminUI(),
  fetch: createNodeFetch(), // the fastest upstream fetch on Node (undici, keep-alive pool)
});

const app = new Hono();
app.get("/healthz", (c) => c.text("ok")); // your own routes…
app.route("/", gateway.app); // …and the gateway's: /v1/*, /admin, /admin/api/*

const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
  console.log(`listening on http://${config.host}:${info.port}`),
);
const recheckMs = config.recheckIntervalMs; // 0: off
if (recheckMs > 0) setInterval(() => gateway.recheck().catch(console.error), recheckMs).unref();
process.once("SIGTERM", () => server.close(() => gateway.flush().then(() => process.exit(0))));
