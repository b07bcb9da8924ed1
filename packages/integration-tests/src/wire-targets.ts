/** The three runtimes the wire suite runs the gateway on, each behind the same `Target` shape. */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { createGateway } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createOpenAI } from "@keyhive/provider-openai";
import { createMemoryStorage } from "@keyhive/storage";
import { Miniflare } from "miniflare";
import { bundleFixture } from "./bundle.js";

export type Call = (path: string, init?: RequestInit) => Promise<Response>;
export type Target = { call: Call; close(): Promise<void> };

/** The gateway on Node, on undici through `createNodeFetch`. */
export async function startNodeTarget(upstreamURL: string, token: string, admin: string): Promise<Target> {
  const fetch = createNodeFetch();
  const gateway = createGateway({
    providers: [createOpenAI({ baseURL: upstreamURL, fetch })],
    storage: createMemoryStorage(),
    fetch,
    clientTokens: [token],
    adminPassword: admin,
    onError: () => {},
  });
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    call: (path: string, init?: RequestInit) => globalThis.fetch(`${base}${path}`, init),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The bundled Worker inside workerd (miniflare), on its own fetch. */
export async function startWorkerdTarget(upstreamURL: string, token: string, admin: string): Promise<Target> {
  const mf = new Miniflare({
    modules: true,
    script: await bundleFixture("worker-entry.ts", "neutral"),
    compatibilityDate: "2025-09-01",
    bindings: { UPSTREAM_BASE_URL: upstreamURL, CLIENT_TOKEN: token, ADMIN_PASSWORD: admin },
  });
  await mf.ready;
  return {
    call: async (path: string, init?: RequestInit) =>
      (await mf.dispatchFetch(`http://gateway.local${path}`, init as never)) as unknown as Response,
    close: () => mf.dispose(),
  };
}

/** The bundled server on Bun.serve, on Bun's fetch. */
export async function startBunTarget(upstreamURL: string, token: string, admin: string): Promise<Target> {
  const dir = mkdtempSync(join(tmpdir(), "keyhive-wire-bun-"));
  const file = join(dir, "server.mjs");
  writeFileSync(file, await bundleFixture("bun-entry.ts", "node"));
  const child = spawn(join(process.cwd(), "../../node_modules/.bin/bun"), [file], {
    env: { ...process.env, UPSTREAM_BASE_URL: upstreamURL, CLIENT_TOKEN: token, ADMIN_PASSWORD: admin },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const base = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("bun did not start")), 20_000);
    child.stdout.on("data", (d: Buffer) => {
      const match = /LISTENING (\d+)/.exec(String(d));
      if (match) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${match[1]}`);
      }
    });
    child.on("exit", (code) => reject(new Error(`bun exited with ${code}`)));
  });
  return {
    call: (path: string, init?: RequestInit) => fetch(`${base}${path}`, init),
    close: async () => {
      child.kill();
    },
  };
}
