/**
 * Keyhive on Cloudflare Workers, keys in a D1 database (indexed SQL, for large pools): every
 * provider and the admin UI, configured from the bindings (docs/configuration.md).
 * `createWorkerHandler` builds one gateway per isolate on the first request; the cron trigger
 * re-checks keys that are due.
 */
import { adminUI } from "@keyhive/admin-ui";
import { createWorkerHandler } from "@keyhive/gateway/workers";
import { createGemini } from "@keyhive/provider-gemini";
import { createOpenAI } from "@keyhive/provider-openai";
import { createSiliconFlow } from "@keyhive/provider-siliconflow";
import { withEncryption } from "@keyhive/storage";
import { createD1Storage, type D1DatabaseLike } from "@keyhive/storage/cloudflare-d1";

export interface Env {
  KEYHIVE_DB: D1DatabaseLike;
}

export default createWorkerHandler<Env>({
  providerIds: ["openai", "siliconflow", "gemini"],
  providers: (_env, { baseURLs }) => [
    createOpenAI({ baseURL: baseURLs.openai }),
    createSiliconFlow({ baseURL: baseURLs.siliconflow }),
    createGemini({ baseURL: baseURLs.gemini }),
  ],
  // The schema comes from `wrangler d1 migrations apply` (see README), not from each cold start;
  // until it is applied every request answers a 503 naming that command for this database
  // (`database_name` in wrangler.toml: a test keeps the two equal).
  storage: (env) => createD1Storage({ binding: env.KEYHIVE_DB, migrate: false, databaseName: "keyhive" }),
  encryption: withEncryption,
  gateway: { ui: adminUI() },
});
