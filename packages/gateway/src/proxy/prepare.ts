/**
 * Step 1 of a request, before any key is involved: who the client is, what it asks of which
 * provider and model, whether its token may and still can (scope, quotas), and the
 * provider-neutral request every attempt will rewrite — the client's credentials removed.
 */
import type { Provider, ProviderRequest } from "../spec/provider.js";
import type { ClientAuth, ClientIdentity } from "./client-auth.js";
import { extractClientCredential, withoutClientCredentials } from "./client-credentials.js";
import { prepareRequest } from "./prepare-request.js";
import type { ProxyOptions, ProxyTarget } from "./proxy-types.js";
import { describeBody, readBody } from "./read-body.js";
import { resolveProvider } from "./resolve-provider.js";
import { providersServing } from "./surfaces.js";
import type { ReleaseReservation, TokenLimits } from "./token-limits.js";
import { checkTokenScope } from "./token-scope.js";
import type { PreparedSoFar } from "./unserved.js";
import { describePassThroughBody, scopeMethodOf } from "./vendor-pass-through.js";

export interface PrepareDeps {
  providers: ReadonlyMap<string, Provider>;
  auth: ClientAuth;
  /** Headers besides `authorization` that may carry the client's credential (see client-credentials.ts). */
  keyHeaders: readonly string[];
  limits?: TokenLimits;
  clientKeyPassThrough?: () => boolean;
  injectStreamUsage?: () => boolean;
}

export type Prepared =
  /** A gateway client: its request goes through the pool. */
  | {
      kind: "pooled";
      client: ClientIdentity;
      provider: Provider;
      model: string | undefined;
      request: ProviderRequest;
      /** The gateway asked the stream for its usage event, which the client must not see. */
      addUsage: boolean;
      /** Ends the limit reservation taken last thing here (see TokenLimits.reserve). */
      release: ReleaseReservation | undefined;
    }
  /** Client-key pass-through: the client sent its own upstream key (see pass-through.ts). */
  | { kind: "own-key"; provider: Provider; secret: string; request: ProviderRequest };

export async function prepare(
  raw: Request,
  target: ProxyTarget,
  options: ProxyOptions,
  deps: PrepareDeps,
  /** Filled in as this goes, for the request log of a request refused here. */
  seen: PreparedSoFar = {},
): Promise<Prepared> {
  // Only the query is needed: cheaper than parsing the whole URL on every request.
  const queryAt = raw.url.indexOf("?");
  const search = queryAt < 0 ? "" : raw.url.slice(queryAt);
  const credential = extractClientCredential(raw.headers, search, deps.keyHeaders);
  const client = await authenticate(deps, credential);
  if (!("refused" in client)) seen.client = client;
  const body = await readBody(raw, options.bodyLimit);
  const contentType = raw.headers.get("content-type") ?? "";
  const facts =
    target.api === "pass-through"
      ? await describePassThroughBody(body, contentType)
      : await describeBody(body, contentType);
  const fromPath = target.describe?.(target.path, search) ?? {};
  // On native routes the path names the model the upstream bills (the body may repeat it as
  // `models/...`): cooldowns and token scopes use the path's.
  const requestedModel = fromPath.model ?? facts.model;
  const stream = facts.stream || fromPath.stream === true;
  const { provider, model } = target.provider
    ? { provider: target.provider, model: requestedModel }
    : resolveProvider(providersServing(deps.providers, target.api), requestedModel, options.defaultProvider);
  seen.provider = provider;
  seen.model = model;
  const clean = withoutClientCredentials(raw.headers, search, deps.keyHeaders);

  if ("refused" in client) {
    if (!credential || !provider.validateKeyFormat(credential).ok) throw client.refused;
    const { api, path } = target;
    const request = { api, method: raw.method, path, ...clean, body, model, stream };
    return { kind: "own-key", provider, secret: credential, request };
  }
  checkTokenScope(client.record, provider.id, model, scopeMethodOf(target.api, raw.method));
  const { request, addUsage } = prepareRequest({
    target,
    method: raw.method,
    ...clean,
    body,
    facts,
    model,
    requestedModel,
    stream,
    injectStreamUsage: deps.injectStreamUsage?.() === true,
  });
  const release = await deps.limits?.reserve(client.record);
  return { kind: "pooled", client, provider, model, request, addUsage, release };
}

/** The client's identity; with pass-through on, a refused credential may still be an upstream key. */
async function authenticate(
  deps: PrepareDeps,
  credential: string | undefined,
): Promise<ClientIdentity | { refused: unknown }> {
  try {
    return await deps.auth.authenticate(credential);
  } catch (error) {
    // A client's own upstream key is only recognisable once the provider is known.
    if (!deps.clientKeyPassThrough?.() || !credential) throw error;
    return { refused: error };
  }
}
