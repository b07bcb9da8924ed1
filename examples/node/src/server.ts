/**
 * The Node gateway: filesystem storage under a data directory, undici's pooled fetch, and
 * `@hono/node-server`. `startNodeGateway()` is what `npm start` runs and what tests start.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type BootstrapResult, createGateway, type Gateway } from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createOpenAI } from "@keyhive/provider-openai";
import { createFsStorage } from "@keyhive/storage/fs";
import { type NodeConfig, readConfig } from "./config.js";

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  secrets: BootstrapResult;
  close(): Promise<void>;
}

export async function startNodeGateway(config: NodeConfig = readConfig()): Promise<RunningGateway> {
  const upstreamFetch = createNodeFetch();
  const gateway = createGateway({
    providers: [createOpenAI({ baseURL: config.baseURLs.openai, fetch: upstreamFetch })],
    storage: createFsStorage({ dir: config.dataDir }),
    fetch: upstreamFetch,
    adminPassword: config.adminPassword,
    clientTokens: config.clientTokens,
  });
  const secrets = await gateway.ready();
  const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    gateway,
    url: `http://${config.host}:${port}`,
    secrets,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await gateway.flush();
    },
  };
}
