/**
 * Keyhive on Cloudflare Workers, keys in Workers KV, hot shared state in one Durable Object: the
 * `KeyhiveCoordinator` holds the counters (exact rpm and daily quotas, login throttle across
 * isolates), the key change feed and the revision; KV stays the durable record.
 * `createWorkerHandler` builds one gateway per isolate on the first request.
 */
import { adminUI } from "@keyhive/admin-ui";
import { createWorkerHandler } from "@keyhive/gateway/workers";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { type DurableObjectNamespaceLike, withCoordinator } from "@keyhive/storage/cloudflare-do";
import { createKVStorage, type KVNamespaceLike } from "@keyhive/storage/cloudflare-kv";

// workerd finds the Durable Object class among the module's exports by its wrangler.toml name.
export { KeyhiveCoordinator } from "@keyhive/storage/cloudflare-do";

export interface Env {
  KEYHIVE_KV: KVNamespaceLike;
  KEYHIVE_COORDINATOR: DurableObjectNamespaceLike;
  /** Where the coordinator is created the first time ("weur", "enam", …). */
  KEYHIVE_COORDINATOR_LOCATION?: string;
}

export default createWorkerHandler<Env>({
  providerIds: ["openai", "siliconflow", "gemini"],
  providers: (_env, { baseURLs }) => [
    createOpenAI({ baseURL: baseURLs.openai }),
    createSiliconFlow({ baseURL: baseURLs.siliconflow }),
    createGemini({ baseURL: baseURLs.gemini }),
  ],
  storage: (env) =>
    withCoordinator(createKVStorage({ binding: env.KEYHIVE_KV }), {
      namespace: env.KEYHIVE_COORDINATOR,
      locationHint: env.KEYHIVE_COORDINATOR_LOCATION,
    }),
  encryption: withEncryption,
  gateway: { ui: adminUI() },
});
