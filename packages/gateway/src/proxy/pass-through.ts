import type { Provider, ProviderRequest } from "../spec/provider.js";
import { forwardableResponseHeaders } from "../util/headers.js";
import { guardStream } from "./stream-guard.js";

/**
 * Client-key pass-through (a deployment option, off by default): a client that sends its own
 * upstream key — one matching the provider's key format, not a gateway token — is forwarded
 * with that key, once, outside the pool.
 */
export async function forwardClientKey(
  fetchUpstream: typeof fetch,
  client: Request,
  provider: Provider,
  secret: string,
  request: ProviderRequest,
): Promise<Response> {
  const upstream = provider.rewriteRequest(request, { id: "client-key", secret });
  const response = await fetchUpstream(upstream.url, {
    method: upstream.method,
    headers: upstream.headers,
    body: upstream.body,
    signal: client.signal,
  });
  const sse = (response.headers.get("content-type") ?? "").includes("text/event-stream");
  const stream = response.body ? guardStream(response.body, { sse }) : null;
  return new Response(stream, { status: response.status, headers: forwardableResponseHeaders(response.headers) });
}
