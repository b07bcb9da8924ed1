// Bindings declared in test/wrangler.toml, typed with the package's own binding interfaces.
declare module "cloudflare:workers" {
  export const env: {
    KV: import("../../src/cloudflare-kv.js").KVNamespaceLike;
    DB: import("../../src/cloudflare-d1.js").D1DatabaseLike;
  };
}
