/**
 * Keyhive on Bun: `bun run src/main.ts`. Filesystem storage, every provider and the admin UI,
 * configured from the environment (docs/configuration.md); Bun's own fetch and HTTP server.
 */
import { adminUI } from "@keyhive/admin-ui";
import { bunClientAddress, configFromEnv, createGateway, gatewayOptionsFromConfig } from "@keyhive/gateway";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createFsStorage } from "@keyhive/storage/fs";
import { serveWithBun } from "./serve.js";

try {
  const config = configFromEnv(process.env, { providers: ["openai", "siliconflow", "gemini"] });
  const fsStorage = createFsStorage({ dir: config.dataDir });
  const gateway = createGateway({
    ...gatewayOptionsFromConfig(config),
    providers: [
      createOpenAI({ baseURL: config.baseURLs.openai }),
      createSiliconFlow({ baseURL: config.baseURLs.siliconflow }),
      createGemini({ baseURL: config.baseURLs.gemini }),
    ],
    // KEYHIVE_ENCRYPTION_KEY: keys and auth records sealed with AES-256-GCM at rest.
    storage: config.encryptionKey ? withEncryption(fsStorage, { secret: config.encryptionKey }) : fsStorage,
    // The socket's peer is the client; X-Forwarded-* only from the proxies KEYHIVE_TRUST_PROXY names.
    clientAddress: bunClientAddress,
    ui: adminUI(),
  });
  serveWithBun(gateway, await gateway.ready(), { ...config, hostname: config.host });
} catch (error) {
  // A refused configuration (a weak KEYHIVE_ADMIN_PASSWORD, a bad KEYHIVE_TRUST_PROXY): say why, exit 1.
  console.error(`keyhive: ${(error as Error).message}`);
  process.exit(1);
}
