/**
 * "Build your own gateway in code" (docs/build-your-own.md): the smallest program composing a
 * gateway from chosen providers, a storage and the admin UI, mounted inside an existing Hono app.
 */
import { serve } from "@hono/node-server";
import { adminUI } from "@keyhive/admin-ui";
import { createGateway } from "@keyhive/gateway";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createFsStorage } from "@keyhive/storage/fs";
import { Hono } from "hono";

const gateway = createGateway({
  providers: [createOpenAI({ baseURL: process.env.OPENAI_BASE_URL }), createGemini()],
  storage: createFsStorage({ dir: process.env.KEYHIVE_DATA_DIR ?? "./data" }),
  adminPassword: process.env.KEYHIVE_ADMIN_PASSWORD,
  clientTokens: process.env.KEYHIVE_CLIENT_TOKENS?.split(","),
  ui: adminUI(),
});

const app = new Hono();
app.get("/healthz", (c) => c.text("ok")); // your own routes…
app.route("/", gateway.app); // …and the gateway's: /v1/*, /admin, /admin/api/*

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: "127.0.0.1" }, (info) =>
  console.log(`listening on http://127.0.0.1:${info.port}`),
);
setInterval(() => gateway.recheck().catch(console.error), 60_000).unref();
process.once("SIGTERM", () => server.close(() => gateway.flush().then(() => process.exit(0))));
