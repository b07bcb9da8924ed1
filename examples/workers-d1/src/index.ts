/**
 * Keyhive on Cloudflare Workers, keys in a D1 database (indexed SQL, for large pools). One gateway
 * per isolate, built on the first request from the bindings; the cron trigger re-checks keys
 * that are due.
 */
import { adminUI } from "@keyhive/admin-ui";
import {
  cloudflareClientAddress,
  createGateway,
  type Gateway,
  parsePublicURL,
  type Storage,
  WORKERS_PASSWORD_ITERATIONS,
} from "@keyhive/gateway";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createD1Storage, type D1DatabaseLike } from "@keyhive/storage/cloudflare-d1";
import type { ExecutionContext } from "hono";

export interface Env {
  KEYHIVE_DB: D1DatabaseLike;
  KEYHIVE_ADMIN_PASSWORD?: string;
  KEYHIVE_CLIENT_TOKENS?: string;
  KEYHIVE_ENCRYPTION_KEY?: string;
  KEYHIVE_PUBLIC_URL?: string;
  OPENAI_BASE_URL?: string;
  SILICONFLOW_BASE_URL?: string;
  GEMINI_BASE_URL?: string;
}

let gateway: Gateway | undefined;

function gatewayFor(env: Env): Gateway {
  // A generated admin password would be printed where nobody reads it: require the secret.
  if (!env.KEYHIVE_ADMIN_PASSWORD) throw new Error("Set the secret: wrangler secret put KEYHIVE_ADMIN_PASSWORD");
  gateway ??= createGateway({
    providers: [
      createOpenAI({ baseURL: env.OPENAI_BASE_URL || undefined }),
      createSiliconFlow({ baseURL: env.SILICONFLOW_BASE_URL || undefined }),
      createGemini({ baseURL: env.GEMINI_BASE_URL || undefined }),
    ],
    storage: storageFor(env),
    adminPassword: env.KEYHIVE_ADMIN_PASSWORD,
    clientTokens: (env.KEYHIVE_CLIENT_TOKENS ?? "")
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean),
    // Bare /v1 requests no provider claims (GET /v1/models, relay models) go to OpenAI.
    settings: { defaultProvider: "openai" },
    ui: adminUI(),
    // No job outlives its request on Workers: the admin UI steps batch checks instead.
    backgroundJobs: false,
    // workerd's WebCrypto refuses more PBKDF2 iterations (hashes from Node still verify, slower).
    passwordHashIterations: WORKERS_PASSWORD_ITERATIONS,
    // Cloudflare sets CF-Connecting-IP on every request: the client's address, not spoofable.
    clientAddress: cloudflareClientAddress,
    publicURL: parsePublicURL(env.KEYHIVE_PUBLIC_URL),
  });
  return gateway;
}

function storageFor(env: Env): Storage {
  // The schema comes from `wrangler d1 migrations apply` (see README), not from each cold start.
  const storage = createD1Storage({ binding: env.KEYHIVE_DB, migrate: false });
  return env.KEYHIVE_ENCRYPTION_KEY ? withEncryption(storage, { secret: env.KEYHIVE_ENCRYPTION_KEY }) : storage;
}

/** A refused configuration (a missing or weak KEYHIVE_ADMIN_PASSWORD) answers a JSON 500 saying why. */
function misconfigured(error: unknown): Response {
  console.error(error);
  const message = `Keyhive is misconfigured: ${(error as Error).message}`;
  return Response.json(
    { error: { message, type: "server_error", code: "misconfigured", param: null } },
    { status: 500 },
  );
}

export default {
  fetch: (request: Request, env: Env, ctx: ExecutionContext) => {
    let app: Gateway["app"];
    try {
      app = gatewayFor(env).app;
    } catch (error) {
      return misconfigured(error);
    }
    return app.fetch(request, env, ctx);
  },
  scheduled: (_controller: unknown, env: Env, ctx: ExecutionContext) => ctx.waitUntil(gatewayFor(env).recheck()),
};
