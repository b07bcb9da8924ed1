/**
 * Keyhive on Cloudflare Workers, keys in Workers KV: every provider and the admin UI, configured
 * from the bindings (docs/configuration.md). `createWorkerHandler` builds one gateway per isolate
 * on the first request; the cron trigger re-checks keys that are due.
 */
import { adminUI } from "@keyhive/admin-ui";
import { createWorkerHandler } from "@keyhive/gateway/workers";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createKVStorage, type KVNamespaceLike } from "@keyhive/storage/cloudflare-kv";

export interface Env {
  KEYHIVE_KV: KVNamespaceLike;
}

export default createWorkerHandler<Env>({
  providerIds: ["openai", "siliconflow", "gemini"],
  providers: (_env, { baseURLs }) => [
    createOpenAI({ baseURL: baseURLs.openai }),
    createSiliconFlow({ baseURL: baseURLs.siliconflow }),
    createGemini({ baseURL: baseURLs.gemini }),
  ],
  storage: (env) => createKVStorage({ binding: env.KEYHIVE_KV }),
  encryption: withEncryption,
  gateway: { ui: adminUI() },
});
