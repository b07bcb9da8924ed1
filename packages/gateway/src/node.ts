/**
 * Node runtime helpers. The core calls an injectable `fetch`; on Node the fastest one is built
 * on undici's pooled `request` API rather than the global (WHATWG) `fetch`, which allocates far
 * more per call. Import from `@keyhive/gateway/node`; the core itself never imports Node built-ins.
 */
export { createNodeFetch, type NodeFetchOptions } from "./runtime/node-fetch.js";
