/**
 * The SDK suite's gateway on two runtimes, each behind a real HTTP origin the SDKs connect to:
 * Node (node-server, undici through `createNodeFetch`) and the bundled Worker inside workerd
 * (miniflare listening on 127.0.0.1).
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createNodeFetch } from "@keyhive/gateway/node";
import { Miniflare } from "miniflare";
import { bundleFixture } from "./bundle.js";
import { createSdkGateway, type SdkGatewayEnv } from "./fixtures/sdk-gateway.js";

export interface SdkTarget {
  /** The gateway's origin, e.g. `http://127.0.0.1:41234`. */
  origin: string;
  close(): Promise<void>;
}

export async function startSdkNodeTarget(env: SdkGatewayEnv): Promise<SdkTarget> {
  const gateway = createSdkGateway(env, createNodeFetch());
  await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function startSdkWorkerdTarget(env: SdkGatewayEnv): Promise<SdkTarget> {
  const mf = new Miniflare({
    modules: true,
    script: await bundleFixture("sdk-worker-entry.ts", "neutral"),
    compatibilityDate: "2025-09-01",
    bindings: { ...env },
    host: "127.0.0.1",
    port: 0,
  });
  const url = await mf.ready;
  return { origin: url.origin, close: () => mf.dispose() };
}
