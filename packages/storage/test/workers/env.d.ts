import type { D1DatabaseLike } from "../../src/cloudflare-d1.js";
import type { KVNamespaceLike } from "../../src/cloudflare-kv.js";

declare module "cloudflare:workers" {
  export const env: { KV: KVNamespaceLike; DB: D1DatabaseLike };
}
