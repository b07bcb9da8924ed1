/**
 * Keyhive on Bun: `bun run src/main.ts`. Filesystem storage, every provider and the admin UI;
 * Bun's own fetch and HTTP server.
 */
import { adminUI } from "@keyhive/admin-ui";
import { bunClientAddress, createGateway, type Gateway, parsePublicURL, parseTrustProxy } from "@keyhive/gateway";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createFsStorage } from "@keyhive/storage/fs";

declare const Bun: {
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout?: number;
    /** Bun passes its server as the second argument: the gateway reads `server.requestIP()`. */
    fetch: (r: Request, server: unknown) => Response | Promise<Response>;
  }): {
    port: number;
    /** Requests in flight. */
    pendingRequests: number;
    /** Stops listening; `true` also cuts active connections. Resolves when none is left. */
    stop(closeActiveConnections?: boolean): Promise<void>;
  };
};

const env = process.env;
// How long in-flight requests and streams may finish after SIGTERM/SIGINT (ms).
const drainMs = Number(env.KEYHIVE_DRAIN_MS || 10_000);
if (!Number.isInteger(drainMs) || drainMs < 0) {
  console.error(`KEYHIVE_DRAIN_MS must be an integer of 0 or more, got '${env.KEYHIVE_DRAIN_MS}'.`);
  process.exit(2);
}
const fsStorage = createFsStorage({ dir: env.KEYHIVE_DATA_DIR || "./.keyhive-data" });
let gateway: Gateway;
try {
  gateway = createGateway({
    providers: [
      createOpenAI({ baseURL: env.OPENAI_BASE_URL || undefined }),
      createSiliconFlow({ baseURL: env.SILICONFLOW_BASE_URL || undefined }),
      createGemini({ baseURL: env.GEMINI_BASE_URL || undefined }),
    ],
    // KEYHIVE_ENCRYPTION_KEY: keys and auth records sealed with AES-256-GCM at rest.
    storage: env.KEYHIVE_ENCRYPTION_KEY ? withEncryption(fsStorage, { secret: env.KEYHIVE_ENCRYPTION_KEY }) : fsStorage,
    adminPassword: env.KEYHIVE_ADMIN_PASSWORD || undefined,
    clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "").split(",").filter(Boolean),
    // The socket's peer is the client; X-Forwarded-* only from the proxies KEYHIVE_TRUST_PROXY names.
    clientAddress: bunClientAddress,
    trustProxy: parseTrustProxy(env.KEYHIVE_TRUST_PROXY),
    publicURL: parsePublicURL(env.KEYHIVE_PUBLIC_URL),
    settings: { defaultProvider: "openai" },
    ui: adminUI(),
  });
} catch (error) {
  // A refused configuration (a weak KEYHIVE_ADMIN_PASSWORD, a bad KEYHIVE_TRUST_PROXY): say why.
  console.error(`keyhive: ${(error as Error).message}`);
  process.exit(2);
}
const secrets = await gateway.ready();
// Invalid and exhausted keys come back when a re-check passes; KEYHIVE_RECHECK_INTERVAL_MS as on Node.
const recheckMs = Number(env.KEYHIVE_RECHECK_INTERVAL_MS || 60_000);
if (!Number.isInteger(recheckMs) || recheckMs < 100) {
  console.error(
    `KEYHIVE_RECHECK_INTERVAL_MS must be an integer of at least 100 (ms), got '${env.KEYHIVE_RECHECK_INTERVAL_MS}'.`,
  );
  process.exit(2);
}
const recheck = setInterval(() => gateway.recheck().catch(console.error), recheckMs).unref();

const hostname = env.HOST || "127.0.0.1";
// idleTimeout 0: long model answers may stream slowly; Bun's default would cut them at 10 s.
const server = Bun.serve({ port: Number(env.PORT ?? 8787), hostname, idleTimeout: 0, fetch: gateway.app.fetch });
console.log(`Keyhive gateway (Bun) listening on http://${hostname}:${server.port}; admin UI at /admin`);
if (secrets.adminPassword) console.log(`  admin password: ${secrets.adminPassword}  (shown once)`);
if (secrets.clientToken) console.log(`  client token:   ${secrets.clientToken}  (shown once)`);

// Graceful shutdown: stop(false) stops listening, closes idle keep-alive connections and resolves
// once the active ones are done; after KEYHIVE_DRAIN_MS, stop(true) cuts what is left.
let stopping = false;
const shutdown = async (signal: NodeJS.Signals) => {
  if (stopping) {
    console.log(`${signal} again: exiting without waiting (status 1)`);
    process.exit(1);
  }
  stopping = true;
  clearInterval(recheck);
  const started = Date.now();
  console.log(`Shutting down: ${server.pendingRequests} request(s) in flight, draining for up to ${drainMs} ms`);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const overtime = new Promise<"overtime">((resolve) => {
    timer = setTimeout(() => resolve("overtime"), drainMs);
  });
  const outcome = await Promise.race([server.stop(false).then(() => "drained" as const), overtime]);
  clearTimeout(timer);
  const cut = outcome === "overtime" ? server.pendingRequests : 0;
  if (outcome === "overtime") await server.stop(true);
  const ms = Date.now() - started;
  console.log(
    cut > 0 ? `Drain time over after ${ms} ms: cut ${cut} request(s)` : `Drained in ${ms} ms, no request cut`,
  );
  await gateway.flush();
  process.exit(0);
};
process.on("SIGINT", shutdown);
process.on("SIGTERM", shutdown);
