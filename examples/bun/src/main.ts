/**
 * Keyhive on Bun: `bun run src/main.ts`. Filesystem storage, every provider and the admin UI;
 * Bun's own fetch and HTTP server.
 */
import { adminUI } from "@keyhive/admin-ui";
import { createGateway } from "@keyhive/gateway";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { createFsStorage } from "@keyhive/storage/fs";

declare const Bun: {
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout?: number;
    fetch: (r: Request) => Response | Promise<Response>;
  }): { port: number };
};

const env = process.env;
const gateway = createGateway({
  providers: [
    createOpenAI({ baseURL: env.OPENAI_BASE_URL || undefined }),
    createSiliconFlow({ baseURL: env.SILICONFLOW_BASE_URL || undefined }),
    createGemini({ baseURL: env.GEMINI_BASE_URL || undefined }),
  ],
  storage: createFsStorage({ dir: env.KEYHIVE_DATA_DIR || "./.keyhive-data" }),
  adminPassword: env.KEYHIVE_ADMIN_PASSWORD || undefined,
  clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "").split(",").filter(Boolean),
  settings: { defaultProvider: "openai" },
  ui: adminUI(),
});
const secrets = await gateway.ready();
setInterval(() => gateway.recheck().catch(console.error), 60_000).unref();

const hostname = env.HOST || "127.0.0.1";
// idleTimeout 0: long model answers may stream slowly; Bun's default would cut them at 10 s.
const server = Bun.serve({ port: Number(env.PORT ?? 8787), hostname, idleTimeout: 0, fetch: gateway.app.fetch });
console.log(`Keyhive gateway (Bun) listening on http://${hostname}:${server.port}; admin UI at /admin`);
if (secrets.adminPassword) console.log(`  admin password: ${secrets.adminPassword}  (shown once)`);
if (secrets.clientToken) console.log(`  client token:   ${secrets.clientToken}  (shown once)`);
