import {
  type CallOptions,
  forwardableRequestHeaders,
  joinURL,
  type KeyCheckResult,
  type ModelInfo,
  type PoolKey,
  PROVIDER_SPECIFICATION_VERSION,
  type Provider,
  type ProviderRequest,
  type ProviderSettings,
  stripQueryParams,
  type UpstreamRequest,
} from "@keyhive/gateway";
import { checkDeepSeekBalance } from "./deepseek-balance.js";
import { classifyDeepSeekFailure } from "./deepseek-errors.js";

export interface DeepSeekProviderSettings extends ProviderSettings {
  /** Provider id and mount path. @default "deepseek" */
  id?: string;
  /** API root (DeepSeek serves the same API with or without `/v1`). @default "https://api.deepseek.com" */
  baseURL?: string;
  /** Accepted key shape. @default /^sk-[0-9a-f]{32}$/ */
  keyPattern?: RegExp;
  /** Which `balance_infos` entry to read when there are several. @default "CNY" */
  currency?: string;
}

/** DeepSeek: OpenAI-compatible chat, plus a balance the pool can track. */
export function createDeepSeek(settings: DeepSeekProviderSettings = {}): Provider {
  const baseURL = settings.baseURL ?? "https://api.deepseek.com";
  const keyPattern = settings.keyPattern ?? /^sk-[0-9a-f]{32}$/;
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const extraHeaders = settings.headers ?? {};

  const withKey = (key: PoolKey, headers = new Headers()) => {
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    headers.set("authorization", `Bearer ${key.secret}`);
    return headers;
  };

  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: settings.id ?? "deepseek",
    hasBalance: true,

    validateKeyFormat: (secret) =>
      keyPattern.test(secret)
        ? { ok: true }
        : { ok: false, reason: `not a DeepSeek key: expected ${keyPattern}, got ${secret.length} characters` },

    // `deepseek-ai/…` ids belong to hosting platforms such as SiliconFlow, not to DeepSeek itself.
    claimsModel: (model) => /^deepseek-(chat|reasoner|coder)/.test(model),

    rewriteRequest(request: ProviderRequest, key: PoolKey): UpstreamRequest {
      return {
        url: joinURL(key.baseURL ?? baseURL, request.path, stripQueryParams(request.search, ["key"])),
        method: request.method,
        headers: withKey(key, forwardableRequestHeaders(request.headers)),
        body: request.body,
      };
    },

    classifyFailure: classifyDeepSeekFailure,

    checkKey(key: PoolKey, options: CallOptions = {}): Promise<KeyCheckResult> {
      return checkDeepSeekBalance({
        baseURL: key.baseURL ?? baseURL,
        headers: withKey(key),
        fetch: doFetch,
        currency: settings.currency ?? "CNY",
        signal: options.signal,
      });
    },

    async listModels(key: PoolKey | undefined, options: CallOptions = {}): Promise<ModelInfo[]> {
      if (!key) throw new Error("Listing DeepSeek models needs a key.");
      const response = await doFetch(joinURL(key.baseURL ?? baseURL, "/models"), {
        headers: withKey(key),
        signal: options.signal,
      });
      if (!response.ok) throw new Error(`Listing DeepSeek models failed: HTTP ${response.status}`);
      const json = (await response.json()) as { data?: { id: string; owned_by?: string }[] };
      return (json.data ?? []).map((m) => ({ id: m.id, ownedBy: m.owned_by }));
    },
  };
}

/** A ready instance for api.deepseek.com. */
export const deepseek: Provider = createDeepSeek();
