import type { ApiSurface, Provider, ProviderSettings } from "@keyhive/gateway";
import { createOpenAICompatible } from "@keyhive/provider-openai";
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
  /**
   * Surfaces served besides OpenAI's: SiliconFlow serves the Anthropic Messages API at
   * `<baseURL>/messages` (`https://api.siliconflow.cn/v1/messages`, key in `x-api-key`).
   * @default ["messages"]
   */
  surfaces?: readonly ApiSurface[];
  /**
   * Vendor pass-through: any other method and path under `/<id>/v1/` (video, voices, account
   * routes, …) is forwarded as it is with a pooled key. `[]` turns it off. @default ["/v1/"]
   */
  passThroughPrefixes?: readonly string[];
}

/**
 * The SiliconFlow adapter: the OpenAI-compatible base (rewrite, `/models`, OpenAI-shaped errors)
 * with SiliconFlow's key shape, `Org/Name` models, free models, its own error codes and a balance
 * check via `GET /user/info`.
 */
export function createSiliconFlow(settings: SiliconFlowProviderSettings = {}): Provider {
  const { balanceThreshold = 0, ...rest } = settings;
  return createOpenAICompatible({
    ...rest,
    id: settings.id ?? "siliconflow",
    baseURL: settings.baseURL ?? "https://api.siliconflow.cn/v1",
    name: "SiliconFlow",
    keyPattern: settings.keyPattern ?? /^sk-[a-z]{48}$/,
    keyExample: '"sk-" + 48 lowercase letters',
    modelPattern: settings.modelPattern ?? SILICONFLOW_MODEL_PATTERN,
    hasBalance: true,
    surfaces: settings.surfaces ?? ["messages"],
    passThroughPrefixes: settings.passThroughPrefixes ?? ["/v1/"],
    freeModels: settings.freeModels ?? SILICONFLOW_FREE_MODELS,
    classifyFailure: classifySiliconFlowFailure,
    checkKey: (_key, call) => checkSiliconFlowBalance({ ...call, threshold: balanceThreshold }),
  });
}

/** A ready instance for api.siliconflow.cn. */
export const siliconflow: Provider = createSiliconFlow();
