/**
 * Vendor pass-through (`Provider.passThroughPrefixes`): any method and path under a declared
 * prefix of a provider mount that no route of the gateway serves is forwarded with a pooled key,
 * through the same pipeline as every other request (failover, key health, accounting). Its body
 * is opaque — JSON, multipart, binary — and passes as it is; only a model it names is read.
 */
import type { ProviderRequest } from "../spec/provider.js";
import { describeBody, type RequestFacts } from "./read-body.js";

/**
 * What a pass-through body says about model and stream. Unlike a known operation's, a body the
 * gateway cannot read (a JSON array, malformed JSON) is no error: the upstream judges it, and a
 * model-scoped token, seeing no model, is refused (see {@link scopeMethodOf}).
 */
export async function describePassThroughBody(body: ArrayBuffer | null, contentType: string): Promise<RequestFacts> {
  try {
    return await describeBody(body, contentType);
  } catch {
    return { stream: false };
  }
}

/**
 * The method a token scope judges a request by. Every pass-through request counts as one that
 * may generate, GETs included: the gateway cannot know what an unknown vendor path does, so a
 * model-scoped token fails closed (403 `model_required`) unless the body names an allowed model.
 */
export function scopeMethodOf(api: ProviderRequest["api"], method: string): string {
  return api === "pass-through" ? "POST" : method;
}
