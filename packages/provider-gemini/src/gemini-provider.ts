import {
  type CallOptions,
  discardBody,
  forwardableRequestHeaders,
  joinURL,
  type KeyCheckResult,
  type ModelInfo,
  type PoolKey,
  type Provider,
  type ProviderRequest,
  type ProviderSettings,
  type UpstreamRequest,
} from "@keyhive/gateway";
import { classifyGeminiFailure, formatGeminiError, readGeminiError } from "./gemini-errors.js";
import { GEMINI_KEY_PATTERNS, validateGeminiKey } from "./gemini-keys.js";
import { listGeminiModels } from "./gemini-models.js";
import { GEMINI_NATIVE_ROUTES } from "./gemini-routes.js";
import { geminiUsageOf } from "./gemini-usage.js";

export interface GeminiProviderSettings extends ProviderSettings {
  /** Provider id and mount path. @default "gemini" */
  id?: string;
  /** API root without a version; paths carry `/v1beta`. @default "https://generativelanguage.googleapis.com" */
  baseURL?: string;
  /**
   * Accepted key shapes. @default GEMINI_KEY_PATTERNS (`AIza…` and `AQ.…`)
   * @example createGemini({ keyPatterns: [...GEMINI_KEY_PATTERNS, /^my-proxy-[a-z]+$/] })
   */
  keyPatterns?: readonly RegExp[];
  /**
   * Models a bare `/v1/...` request routes here: chat (`gemini-…`, `gemma-…`), embeddings
   * (`text-embedding-004`, `gemini-embedding-…`, `embedding-…`), images (`imagen-…`), video
   * (`veo-…`), each also spelled `models/…`.
   * @default /^(models\/)?(gemini|gemma|text-embedding-004|embedding-|imagen-|veo-)/
   */
  modelPattern?: RegExp;
  /**
   * Vendor pass-through: any other method and path under these prefixes of the mount (files,
   * cached contents, tuned models, uploads, …) is forwarded to the native API as it is, the pool
   * key in `x-goog-api-key`. `[]` turns it off. @default ["/v1beta/", "/v1/", "/upload/"]
   */
  passThroughPrefixes?: readonly string[];
  /** Clock for per-day quota resets (tests). @default Date.now */
  now?: () => number;
}

const DEFAULT_MODEL_PATTERN = /^(models\/)?(gemini|gemma|text-embedding-004|embedding-|imagen-|veo-)/;

/**
 * Google Gemini: the native API (`/v1beta/models/...`, SDK-compatible) and the OpenAI-compatible
 * one (`/v1beta/openai/...`). The pool key travels only in a header, never in the URL. The
 * client's own key header and `?key=` never get here: the gateway removes them.
 */
export function createGemini(settings: GeminiProviderSettings = {}): Provider {
  const baseURL = settings.baseURL ?? "https://generativelanguage.googleapis.com";
  const patterns = settings.keyPatterns ?? GEMINI_KEY_PATTERNS;
  const modelPattern = settings.modelPattern ?? DEFAULT_MODEL_PATTERN;
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const now = settings.now ?? Date.now;
  const nativeHeaders = geminiHeaders(settings.headers ?? {});

  return {
    specificationVersion: "v1",
    id: settings.id ?? "gemini",
    clientKeyHeaders: ["x-goog-api-key"],
    nativeRoutes: GEMINI_NATIVE_ROUTES,
    passThroughPrefixes: settings.passThroughPrefixes ?? ["/v1beta/", "/v1/", "/upload/"],
    hasBalance: false,
    formatNativeError: formatGeminiError,
    usageOf: geminiUsageOf,

    validateKeyFormat: (secret) => validateGeminiKey(secret, patterns),

    claimsModel: (model) => modelPattern.test(model),

    rewriteRequest: (request, key) => rewriteGemini(request, key, baseURL, nativeHeaders),

    classifyFailure: (failure) => classifyGeminiFailure(failure, now()),

    async checkKey(key: PoolKey, options: CallOptions = {}): Promise<KeyCheckResult> {
      // Listing models costs no generation quota and answers 400 API_KEY_INVALID for a dead key.
      let response: Response;
      try {
        response = await doFetch(joinURL(key.baseURL ?? baseURL, "/v1beta/models", "?pageSize=1"), {
          headers: nativeHeaders(key),
          signal: options.signal,
        });
      } catch (error) {
        return { status: "error", message: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (response.ok) {
        await discardBody(response);
        return { status: "valid" };
      }
      const body = await response.text().catch(() => "");
      const cls = classifyGeminiFailure({ status: response.status, headers: response.headers, body }, now());
      const message = readGeminiError(body).message ?? `HTTP ${response.status}`;
      if (cls.kind === "key_invalid") return { status: "invalid", message };
      // A quota answer proves nothing about the key either way: keep its status.
      return { status: "error", message: `HTTP ${response.status}: ${message}` };
    },

    async listModels(key: PoolKey | undefined, options: CallOptions = {}): Promise<ModelInfo[]> {
      if (!key) throw new Error("Listing Gemini models needs a key.");
      return listGeminiModels({
        baseURL: key.baseURL ?? baseURL,
        headers: nativeHeaders(key),
        fetch: doFetch,
        signal: options.signal,
      });
    },
  };
}

/** Sets the deployment's extra headers, then the key: `x-goog-api-key` natively, else a bearer token. */
function geminiHeaders(extra: Record<string, string>) {
  return (key: PoolKey, base: Headers = new Headers(), bearer = false): Headers => {
    for (const [name, value] of Object.entries(extra)) base.set(name, value);
    if (bearer) base.set("authorization", `Bearer ${key.secret}`);
    else base.set("x-goog-api-key", key.secret);
    return base;
  };
}

function rewriteGemini(
  request: ProviderRequest,
  key: PoolKey,
  baseURL: string,
  withKey: ReturnType<typeof geminiHeaders>,
): UpstreamRequest {
  const root = key.baseURL ?? baseURL;
  const headers = forwardableRequestHeaders(request.headers);
  // Pass-through paths are native ones the gateway has no route for: same URL and key header.
  const native = request.api === "native" || request.api === "pass-through";
  return {
    url: joinURL(root, native ? request.path : `/v1beta/openai${request.path}`, request.search),
    method: request.method,
    headers: withKey(key, headers, !native),
    body: request.body,
  };
}

/** A ready instance for generativelanguage.googleapis.com. */
export const gemini: Provider = createGemini();
