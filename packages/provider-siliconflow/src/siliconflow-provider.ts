import {
  type CallOptions,
  forwardableRequestHeaders,
  joinURL,
  type KeyCheckResult,
  type ModelInfo,
  type PoolKey,
  type Provider,
  type ProviderRequest,
  type ProviderSettings,
  stripQueryParams,
  type UpstreamRequest,
} from "@keyhive/gateway";
import { checkSiliconFlowBalance } from "./siliconflow-balance.js";
import { classifySiliconFlowFailure } from "./siliconflow-errors.js";
import { SILICONFLOW_FREE_MODELS, SILICONFLOW_MODEL_PATTERN } from "./siliconflow-models.js";

export interface SiliconFlowProviderSettings extends ProviderSettings {
  /** Provider id and mount path (`/<id>/v1/...`). @default "siliconflow" */
  id?: string;
  /**
   * API root. Use `https://api.siliconflow.com/v1` for the international site.
   * @default "https://api.siliconflow.cn/v1"
   */
  baseURL?: string;
  /**
   * Accepted key shape. Keys seen in the wild are `sk-` and 48 lowercase letters; formats change,
   * so this is configurable.
   * @default /^sk-[a-z]{48}$/
   * @example createSiliconFlow({ keyPattern: /^sk-[a-z0-9]{40,64}$/ })
   */
  keyPattern?: RegExp;
  /**
   * Models that keys without balance may still serve. @default SILICONFLOW_FREE_MODELS
   * @example createSiliconFlow({ freeModels: ["Qwen/Qwen3-8B"] })
   */
  freeModels?: readonly string[];
  /** A key whose `totalBalance` (CNY) is at or below this is reported `exhausted`. @default 0 */
  balanceThreshold?: number;
  /** Models a bare `/v1/...` request routes here: `Org/Name` ids. @default SILICONFLOW_MODEL_PATTERN */
  modelPattern?: RegExp;
}

/** The SiliconFlow adapter: OpenAI-compatible routes plus a balance check via `GET /user/info`. */
export function createSiliconFlow(settings: SiliconFlowProviderSettings = {}): Provider {
  const baseURL = settings.baseURL ?? "https://api.siliconflow.cn/v1";
  const keyPattern = settings.keyPattern ?? /^sk-[a-z]{48}$/;
  const modelPattern = settings.modelPattern ?? SILICONFLOW_MODEL_PATTERN;
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const extraHeaders = settings.headers ?? {};

  const authHeaders = (key: PoolKey) => {
    const headers = new Headers(extraHeaders);
    headers.set("authorization", `Bearer ${key.secret}`);
    return headers;
  };

  return {
    specificationVersion: "v1",
    id: settings.id ?? "siliconflow",
    hasBalance: true,
    freeModels: settings.freeModels ?? SILICONFLOW_FREE_MODELS,

    validateKeyFormat(secret) {
      if (keyPattern.test(secret)) return { ok: true };
      // Never echo the secret: its length and a hint are enough to spot a paste error.
      return {
        ok: false,
        reason: `not a SiliconFlow key: expected ${keyPattern} (e.g. "sk-" + 48 lowercase letters), got ${secret.length} characters`,
      };
    },

    claimsModel: (model) => modelPattern.test(model),

    rewriteRequest(request: ProviderRequest, key: PoolKey): UpstreamRequest {
      // Bodies (JSON or multipart audio uploads) pass through byte for byte with their content-type.
      const headers = forwardableRequestHeaders(request.headers);
      for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
      headers.set("authorization", `Bearer ${key.secret}`);
      return {
        // A client may authenticate to the gateway with `?key=`; that token must not travel on.
        url: joinURL(key.baseURL ?? baseURL, request.path, stripQueryParams(request.search, ["key"])),
        method: request.method,
        headers,
        body: request.body,
      };
    },

    classifyFailure: classifySiliconFlowFailure,

    checkKey(key: PoolKey, options: CallOptions = {}): Promise<KeyCheckResult> {
      return checkSiliconFlowBalance({
        baseURL: key.baseURL ?? baseURL,
        headers: authHeaders(key),
        fetch: doFetch,
        threshold: settings.balanceThreshold ?? 0,
        signal: options.signal,
      });
    },

    async listModels(key: PoolKey | undefined, options: CallOptions = {}): Promise<ModelInfo[]> {
      const headers = key ? authHeaders(key) : new Headers(extraHeaders);
      const response = await doFetch(joinURL(key?.baseURL ?? baseURL, "/models"), { headers, signal: options.signal });
      if (!response.ok) throw new Error(`Listing SiliconFlow models failed: HTTP ${response.status}`);
      const json = (await response.json()) as { data?: { id: string; owned_by?: string }[] };
      return (json.data ?? []).map((m) => ({ id: m.id, ownedBy: m.owned_by }));
    },
  };
}

/** A ready instance for api.siliconflow.cn. */
export const siliconflow: Provider = createSiliconFlow();
