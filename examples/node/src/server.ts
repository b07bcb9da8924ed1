/**
 * The Node gateway: every provider, the admin UI, undici's pooled fetch, storage from a URI
 * (filesystem by default) and `@hono/node-server`. `startNodeGateway()` is what `npm start` and
 * the `keyhive` CLI run, and what tests start.
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { adminUI } from "@keyhive/admin-ui";
import {
  type BootstrapResult,
  createGateway,
  type Gateway,
  gatewayOptionsFromConfig,
  nodeClientAddress,
} from "@keyhive/gateway";
import { createNodeFetch } from "@keyhive/gateway/node";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { type NodeConfig, readConfig, withDefaults } from "./config.js";
import { drainServer } from "./graceful-shutdown.js";
import { openStorage } from "./storage.js";

export interface RunningGateway {
  gateway: Gateway;
  url: string;
  /** Where the data lives (the storage URI, password masked). */
  storage: string;
  secrets: BootstrapResult;
  /**
   * Stops gracefully: no new connections, in-flight requests and streams get `drainMs` to end
   * (then their connections are cut), queued state is written and storage closed. `drainMs`
   * defaults to the config's (`KEYHIVE_DRAIN_MS`, 10000). A second call returns the first's promise.
   */
  close(drainMs?: number): Promise<void>;
}

/** Starts on `config` (fields left out take their defaults); without it, on the environment's. */
export async function startNodeGateway(partial: Partial<NodeConfig> = readConfig()): Promise<RunningGateway> {
  const config = withDefaults(partial);
  const fetch = createNodeFetch();
  const storageURI = config.storage ?? `fs:${config.dataDir}`;
  const opened = await openStorage(storageURI);
  // KEYHIVE_ENCRYPTION_KEY: key secrets and auth records are stored as AES-256-GCM ciphertext.
  const storage = config.encryptionKey ? withEncryption(opened, { secret: config.encryptionKey }) : opened;
  let gateway: Gateway;
  try {
    gateway = createGateway({
      providers: [
        createOpenAI({ baseURL: config.baseURLs.openai, fetch }),
        createSiliconFlow({ baseURL: config.baseURLs.siliconflow, fetch }),
        createGemini({ baseURL: config.baseURLs.gemini, fetch }),
      ],
      storage,
      fetch,
      // Admin password, client tokens, refresh interval, KEYHIVE_TRUST_PROXY, KEYHIVE_PUBLIC_URL.
      ...gatewayOptionsFromConfig(config),
      // The socket's peer is the client; X-Forwarded-* only from the proxies KEYHIVE_TRUST_PROXY names.
      clientAddress: nodeClientAddress,
      ui: adminUI(),
    });
  } catch (error) {
    await storage.close?.(); // a refused configuration (a weak KEYHIVE_ADMIN_PASSWORD) leaves nothing open
    throw error;
  }
  const secrets = await gateway.ready();
  // Invalid and exhausted keys come back when a re-check passes; unref: never keeps Node alive.
  const recheckMs = config.recheckIntervalMs;
  const timer =
    recheckMs > 0 ? setInterval(() => gateway.recheck().catch(console.error), recheckMs).unref() : undefined;
  // Other instances' changes arrive with no traffic: a timer, plus Redis pub/sub on Redis.
  const stopSync = gateway.startBackgroundSync();
  // No custom createServer is given, so this is a plain node:http server.
  const server = serve({ fetch: gateway.app.fetch, port: config.port, hostname: config.host }) as Server;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    gateway,
    url: `http://${config.host}:${port}`,
    storage: storageURI.replace(/\/\/[^@/]*@/, "//***@"),
    secrets,
    close: (drainMs = config.drainMs) => {
      closing ??= (async () => {
        clearInterval(timer);
        stopSync();
        await drainServer(server, { drainMs });
        await gateway.flush();
        await storage.close?.();
      })();
      return closing;
    },
  };
}
