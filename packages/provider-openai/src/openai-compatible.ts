import {
  type ApiSurface,
  type CallOptions,
  type FailureClass,
  forwardableRequestHeaders,
  joinURL,
  type KeyCheckResult,
  type PoolKey,
  PROVIDER_SPECIFICATION_VERSION,
  type Provider,
  type ProviderRequest,
  type ProviderSettings,
  type UpstreamFailure,
  type UpstreamRequest,
} from "@keyhive/gateway";
import { checkKeyByListingModels, listOpenAIModels, type OpenAICompatibleCall } from "./openai-compatible-calls.js";
import { classifyOpenAIFailure } from "./openai-errors.js";
import { checkKeyFormat, OPENAI_KEY_PATTERN } from "./openai-keys.js";

/** What every vendor that speaks OpenAI's wire format sets; each part has a working default. */
export interface OpenAICompatibleSettings extends ProviderSettings {
  /** Provider id and mount path (`/<id>/v1/...`), `[a-z0-9-]+`. */
  id: string;
  /** API root; a key's own `baseURL` wins. A trailing version (`/v1`) is never doubled. */
  baseURL: string;
  /**
   * The vendor's display name in messages (`not a DeepSeek key: …`, `Listing DeepSeek models
   * failed`). Without it they stay generic, which suits relays of any kind.
   */
  name?: string;
  /** Accepted key shape. @default OPENAI_KEY_PATTERN (8–256 visible ASCII characters, no markup or quotes) */
  keyPattern?: RegExp;
  /** A well-formed key in words, for the rejection reason. @example '"sk-" + 48 lowercase letters' */
  keyExample?: string;
  /** Models a bare `/v1/...` request routes here. @default none: only `/<id>/v1/...` reaches it */
  modelPattern?: RegExp;
  /** Whether `checkKey` reports a balance the pool can track. @default false */
  hasBalance?: boolean;
  /** Models exhausted keys may still serve. @default none */
  freeModels?: readonly string[];
  /**
   * The vendor's own failure signals, layered over OpenAI's: return `base(failure)` for
   * everything the vendor does not special-case.
   * @default classifyOpenAIFailure
   * @example classifyFailure: (failure, base) => (failure.status === 418 ? { kind: "upstream_error", message: "teapot" } : base(failure))
   */
  classifyFailure?: (failure: UpstreamFailure, base: (failure: UpstreamFailure) => FailureClass) => FailureClass;
  /**
   * Checks a key, e.g. by reading its balance; `call` is already resolved for the key.
   * @default `GET /models`: 200 valid, invalid/exhausted as classified, anything else an error
   */
  checkKey?: (key: PoolKey, call: OpenAICompatibleCall) => Promise<KeyCheckResult>;
  /**
   * Client surfaces the upstream speaks besides OpenAI's. `messages`: the Anthropic Messages API
   * at `<baseURL>/messages` (SiliconFlow, DeepSeek, many relays), the pool key sent as
   * `x-api-key` (see `messagesAuth`), `anthropic-version` passed through from the client.
   * @default []
   * @example createOpenAICompatible({ id: "relay", baseURL, surfaces: ["messages"] })
   */
  surfaces?: readonly ApiSurface[];
  /**
   * How the pool key travels on Messages requests: `x-api-key` (the API's own header) or
   * `bearer` (`authorization: Bearer`, which some compatible vendors want instead).
   * @default "x-api-key"
   */
  messagesAuth?: "x-api-key" | "bearer";
  /**
   * Vendor pass-through: prefixes under the mount below which any other method and path is
   * forwarded as it is, with a pooled key (see `Provider.passThroughPrefixes`).
   * @default []
   * @example createOpenAICompatible({ id: "deepseek", baseURL, passThroughPrefixes: ["/v1/"] })
   */
  passThroughPrefixes?: readonly string[];
}

/**
 * The shared base of every adapter for an OpenAI-compatible upstream: the request rewrite (base
 * URL join, `authorization: Bearer <key>`, extra headers, the body passed through byte for byte),
 * OpenAI-shaped failure classification, `GET /models` and a key check — each overridable through
 * the settings. Anything else a vendor needs (native routes, a response transform) it adds by
 * spreading the result: `{ ...createOpenAICompatible(settings), nativeRoutes }`.
 */
export function createOpenAICompatible(settings: OpenAICompatibleSettings): Provider {
  const { baseURL, name, modelPattern } = settings;
  const keyRule = { pattern: settings.keyPattern ?? OPENAI_KEY_PATTERN, name, example: settings.keyExample };
  // Wrapped, not passed as is: Workers' fetch throws when called detached from the global.
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const extraHeaders = settings.headers ?? {};
  const messagesAuth = settings.messagesAuth ?? "x-api-key";
  const vendorClassify = settings.classifyFailure;
  const classify = vendorClassify
    ? (failure: UpstreamFailure) => vendorClassify(failure, classifyOpenAIFailure)
    : classifyOpenAIFailure;

  const callFor = (key: PoolKey | undefined, options: CallOptions = {}): OpenAICompatibleCall => {
    const headers = new Headers(extraHeaders);
    if (key) headers.set("authorization", `Bearer ${key.secret}`);
    return { baseURL: key?.baseURL ?? baseURL, headers, fetch: doFetch, signal: options.signal };
  };

  return {
    specificationVersion: PROVIDER_SPECIFICATION_VERSION,
    id: settings.id,
    hasBalance: settings.hasBalance ?? false,
    ...(settings.freeModels ? { freeModels: settings.freeModels } : {}),
    ...(settings.surfaces?.length ? { surfaces: settings.surfaces } : {}),
    ...(settings.passThroughPrefixes?.length ? { passThroughPrefixes: settings.passThroughPrefixes } : {}),
    validateKeyFormat: (secret) => checkKeyFormat(keyRule, secret),
    ...(modelPattern ? { claimsModel: (model: string) => modelPattern.test(model) } : {}),

    rewriteRequest(request: ProviderRequest, key: PoolKey): UpstreamRequest {
      // No client credential is left to strip: the gateway removed them (`authorization`,
      // `x-api-key`, `cookie`, `clientKeyHeaders`, `?key=`) before calling the adapter. What is
      // dropped here are the hop-by-hop headers, which describe the client's connection, not ours.
      const headers = forwardableRequestHeaders(request.headers);
      for (const [header, value] of Object.entries(extraHeaders)) headers.set(header, value);
      if (request.api === "messages" && messagesAuth === "x-api-key") headers.set("x-api-key", key.secret);
      else headers.set("authorization", `Bearer ${key.secret}`);
      return {
        url: joinURL(key.baseURL ?? baseURL, request.path, request.search),
        method: request.method,
        headers,
        body: request.body,
      };
    },

    classifyFailure: classify,

    checkKey(key: PoolKey, options?: CallOptions): Promise<KeyCheckResult> {
      const call = callFor(key, options);
      return settings.checkKey ? settings.checkKey(key, call) : checkKeyByListingModels(call, classify);
    },

    listModels: (key, options) => listOpenAIModels(callFor(key, options), name),
  };
}
