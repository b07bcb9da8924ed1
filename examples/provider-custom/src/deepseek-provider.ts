import type { Provider, ProviderSettings } from "@keyhive/gateway";
import { createOpenAICompatible } from "@keyhive/provider-openai";
import { checkDeepSeekBalance } from "./deepseek-balance.js";

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

/**
 * DeepSeek speaks OpenAI's wire format, so the OpenAI-compatible base does the rewrite, the model
 * list and the failure classes (401 invalid, 402 exhausted, 429 rate limited, 5xx upstream, 400/422
 * the client's); this adapter adds the key shape, its models and a balance the pool can track.
 */
export function createDeepSeek(settings: DeepSeekProviderSettings = {}): Provider {
  const { currency = "CNY", ...rest } = settings;
  return createOpenAICompatible({
    ...rest,
    id: settings.id ?? "deepseek",
    baseURL: settings.baseURL ?? "https://api.deepseek.com",
    name: "DeepSeek",
    keyPattern: settings.keyPattern ?? /^sk-[0-9a-f]{32}$/,
    // `deepseek-ai/…` ids belong to hosting platforms such as SiliconFlow, not to DeepSeek itself.
    modelPattern: /^deepseek-(chat|reasoner|coder)/,
    hasBalance: true,
    checkKey: (_key, call) => checkDeepSeekBalance({ ...call, currency }),
  });
}

/** A ready instance for api.deepseek.com. */
export const deepseek: Provider = createDeepSeek();
