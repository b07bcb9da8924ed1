/**
 * Where a request came from, as each runtime knows it. The core never imports a runtime: each
 * runtime entry passes one of these as `createGateway({ clientAddress })`, and the default tries
 * them in turn. Only the connection (or Cloudflare's edge) is believed here; `X-Forwarded-For` is
 * read only under `trustProxy` (see admin/proxy-trust.ts).
 */
import type { Context } from "hono";

/** Reads the address of the client that opened the connection; undefined when unknown. */
export type ClientAddress = (c: Context) => string | undefined;

/** `@hono/node-server`: the socket's peer (`c.env.incoming.socket.remoteAddress`). */
export const nodeClientAddress: ClientAddress = (c) => {
  const env = c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined;
  return env?.incoming?.socket?.remoteAddress;
};

/**
 * `Bun.serve({ fetch: gateway.app.fetch })`: Bun hands its server to `fetch` as the second
 * argument, which Hono exposes as `c.env`; `server.requestIP(request)` is the socket's peer.
 */
export const bunClientAddress: ClientAddress = (c) => {
  const env = c.env as { requestIP?: (request: Request) => { address?: string } | null } | undefined;
  if (typeof env?.requestIP !== "function") return undefined;
  return env.requestIP(c.req.raw)?.address;
};

/**
 * Cloudflare Workers: `CF-Connecting-IP`, which Cloudflare's edge sets on every request (a client
 * cannot choose it). Read only when the request carries Cloudflare's `cf` object, so a Node or Bun
 * server never believes the header from a client.
 */
export const cloudflareClientAddress: ClientAddress = (c) => {
  if (typeof (c.req.raw as { cf?: unknown }).cf !== "object") return undefined;
  return c.req.header("cf-connecting-ip");
};

/** The default: Node's socket, Bun's `requestIP`, then Cloudflare's header, whichever applies. */
export const detectClientAddress: ClientAddress = (c) =>
  nodeClientAddress(c) ?? bunClientAddress(c) ?? cloudflareClientAddress(c);
