/**
 * The Response class for streamed answers: the runtime's own, captured when this module loads.
 * `@hono/node-server` later swaps `globalThis.Response` for a lighter class that suits small
 * bodies but flushes headers in a separate write before a stream's first chunk; the runtime's
 * own Response lets it send headers and the first chunk together. Elsewhere both are the same.
 */
export const StreamResponse: typeof Response = globalThis.Response;
