import type { ApiSurface, Provider, ProviderSettings } from "@keyhive/gateway";
import { createOpenAICompatible } from "./openai-compatible.js";
import { OPENAI_KEY_PATTERN } from "./openai-keys.js";
import { withResponses } from "./openai-responses.js";

export interface OpenAIProviderSettings extends ProviderSettings {
  /** Provider id and mount path; give relays their own id (`createOpenAI({ id: "relay" })`). @default "openai" */
  id?: string;
  /** @default "https://api.openai.com/v1" */
  baseURL?: string;
  /**
   * Which key shapes to accept. OpenAI keys are `sk-…` / `sk-proj-…`; relays use arbitrary
   * tokens, so the default accepts 8–256 visible ASCII characters except the markup and quoting
   * ones (`<`, `>`, `"`, `'`, `\`, the backtick); spaces and control characters never match.
   * @default OPENAI_KEY_PATTERN
   * @example createOpenAI({ id: "relay", keyPattern: /^relay-[a-z0-9]{32}$/ })
   */
  keyPattern?: RegExp;
  /**
   * Serve the Responses API (`/v1/responses`, its follow-ups pinned to the creating key). Turn it
   * off for a relay that lacks it. @default true
   */
  responses?: boolean;
  /**
   * Models a bare `/v1/...` request routes here. Embeddings are OpenAI's own (`text-embedding-3-…`,
   * `text-embedding-ada-…`): other vendors' `text-embedding-004` is not claimed.
   * @default /^(gpt-|o\d|chatgpt-|text-embedding-(3-|ada-)|dall-e|gpt-image|tts-|whisper-|omni-moderation|davinci|babbage)/
   */
  modelPattern?: RegExp;
  /**
   * Surfaces the upstream speaks besides OpenAI's: `["messages"]` for a relay that also serves
   * the Anthropic Messages API at `<baseURL>/messages`. @default []
   * @example createOpenAI({ id: "relay", baseURL: "https://relay.example/v1", surfaces: ["messages"] })
   */
  surfaces?: readonly ApiSurface[];
  /** How the pool key travels on Messages requests. @default "x-api-key" */
  messagesAuth?: "x-api-key" | "bearer";
  /**
   * Vendor pass-through prefixes: any other method and path below them (files, batches, …) is
   * forwarded as it is with a pooled key. `[]` turns it off. @default ["/v1/"]
   */
  passThroughPrefixes?: readonly string[];
}

const DEFAULT_MODEL_PATTERN =
  /^(gpt-|o\d|chatgpt-|text-embedding-(3-|ada-)|dall-e|gpt-image|tts-|whisper-|omni-moderation|davinci|babbage)/;

/**
 * An OpenAI or OpenAI-compatible upstream: the shared base with OpenAI's defaults. Keys may carry
 * their own base URL (relays); a base URL ending in `/v1` is never doubled when joined with
 * `/v1/...` paths. No display name: relays reuse this factory, and a relay is not OpenAI.
 */
export function createOpenAI(settings: OpenAIProviderSettings = {}): Provider {
  const provider = createOpenAICompatible({
    ...settings,
    id: settings.id ?? "openai",
    baseURL: settings.baseURL ?? "https://api.openai.com/v1",
    keyPattern: settings.keyPattern ?? OPENAI_KEY_PATTERN,
    modelPattern: settings.modelPattern ?? DEFAULT_MODEL_PATTERN,
    passThroughPrefixes: settings.passThroughPrefixes ?? ["/v1/"],
  });
  return withResponses(provider, settings.responses ?? true);
}

/** A ready instance for api.openai.com. */
export const openai: Provider = createOpenAI();
