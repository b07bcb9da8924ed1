/**
 * createWorkerHandler's refusals, before any gateway is built. The happy path (KV and D1, the
 * cron re-check, encryption) runs inside workerd in examples/workers-kv and examples/workers-d1.
 */
import { describe, expect, it } from "vitest";
import { createMemoryStorage } from "../test/support/index.js";
import { NO_CLIENT_TOKEN } from "./proxy/client-auth.js";
import type { Storage } from "./spec/storage.js";
import { createWorkerHandler } from "./workers.js";

const ctx = { waitUntil: () => {}, passThroughOnException: () => {}, props: {} };
const ADMIN = "worker-admin-password-123";

/** The JSON 500 a refused configuration answers. */
async function refusal(env: Record<string, unknown>, options: Partial<Parameters<typeof createWorkerHandler>[0]> = {}) {
  const handler = createWorkerHandler({
    providers: () => [],
    storage: () => ({}) as Storage, // never used: each refusal comes before the gateway is built

    ...options,
  });
  const res = await handler.fetch(new Request("http://worker.local/v1/models"), env, ctx as never);
  expect(res.status).toBe(500);
  const body = (await res.json()) as { error: { message: string; type: string; code: string } };
  expect(body.error).toMatchObject({ type: "server_error", code: "misconfigured" });
  return body.error.message;
}

describe("createWorkerHandler refuses a configuration with a JSON 500 saying why", () => {
  it("a missing KEYHIVE_ADMIN_PASSWORD (bindings, non-strings, are not configuration)", async () => {
    expect(await refusal({ KEYHIVE_KV: { get: () => null } })).toBe(
      "Keyhive is misconfigured: KEYHIVE_ADMIN_PASSWORD is required: set the secret: wrangler secret put KEYHIVE_ADMIN_PASSWORD.",
    );
  });
  it("every malformed variable at once", async () => {
    const message = await refusal(
      { KEYHIVE_ADMIN_PASSWORD: "a", KEYHIVE_PUBLIC_URL: "keys.example.com", ACME_BASE_URL: "nope" },
      { providerIds: ["acme"] },
    );
    expect(message).toMatch(/^Keyhive is misconfigured: 3 configuration problems:\n/);
    expect(message).toContain("KEYHIVE_ADMIN_PASSWORD) is 1 character long");
    expect(message).toContain("KEYHIVE_PUBLIC_URL must be an absolute URL");
    expect(message).toContain("ACME_BASE_URL must be an absolute http(s) URL");
  });
  it("KEYHIVE_TRUST_PROXY: CF-Connecting-IP is the client on Workers", async () => {
    expect(await refusal({ KEYHIVE_ADMIN_PASSWORD: ADMIN, KEYHIVE_TRUST_PROXY: "1" })).toContain(
      "KEYHIVE_TRUST_PROXY does not apply on Workers",
    );
  });
  it("KEYHIVE_ENCRYPTION_KEY without `encryption`: refused rather than stored in plaintext", async () => {
    expect(await refusal({ KEYHIVE_ADMIN_PASSWORD: ADMIN, KEYHIVE_ENCRYPTION_KEY: "k" })).toBe(
      "Keyhive is misconfigured: KEYHIVE_ENCRYPTION_KEY is set, but this Worker was built without `encryption`.",
    );
  });
});

describe("createWorkerHandler without KEYHIVE_CLIENT_TOKENS", () => {
  it("generates no client token nobody could see: clients get a 401 saying how to create one", async () => {
    const storage = createMemoryStorage();
    const handler = createWorkerHandler({ providers: () => [], storage: () => storage });
    const env = { KEYHIVE_ADMIN_PASSWORD: ADMIN };
    for (const path of ["/v1/models", "/v1/chat/completions"]) {
      const res = await handler.fetch(
        new Request(`http://worker.local${path}`, { method: path === "/v1/models" ? "GET" : "POST" }),
        env,
        ctx as never,
      );
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { message: string } }).error.message).toBe(NO_CLIENT_TOKEN);
    }
    expect(await storage.tokens.list()).toEqual([]);
  });
});
