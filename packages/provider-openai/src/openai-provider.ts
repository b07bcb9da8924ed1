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
  stripQueryParams,
  type UpstreamRequest,
} from "@keyhive/gateway";
import { classifyOpenAIFailure, readOpenAIError } from "./openai-errors.js";

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
  /** Models a bare `/v1/...` request routes here. @default /^(gpt-|o\d|chatgpt-|text-embedding-|dall-e|gpt-image|tts-|whisper-|omni-moderation|davinci|babbage)/ */
  modelPattern?: RegExp;
}

/**
 * Visible ASCII (0x21–0x7e) without `"` `'` `<` `>` `\` and `` ` ``: a key is pasted into
 * headers, JSON and the admin UI, and no real key needs a character that means markup or quoting.
 */
export const OPENAI_KEY_PATTERN = /^[\x21\x23-\x26\x28-\x3b\x3d\x3f-\x5b\x5d-\x5f\x61-\x7e]{8,256}$/;

const DEFAULT_MODEL_PATTERN =
  /^(gpt-|o\d|chatgpt-|text-embedding-|dall-e|gpt-image|tts-|whisper-|omni-moderation|davinci|babbage)/;

/**
 * An OpenAI or OpenAI-compatible upstream. Keys may carry their own base URL (relays); a base
 * URL ending in `/v1` is never doubled when joined with `/v1/...` paths.
 */
export function createOpenAI(settings: OpenAIProviderSettings = {}): Provider {
  const baseURL = settings.baseURL ?? "https://api.openai.com/v1";
  const keyPattern = settings.keyPattern ?? OPENAI_KEY_PATTERN;
  const modelPattern = settings.modelPattern ?? DEFAULT_MODEL_PATTERN;
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const extraHeaders = settings.headers ?? {};

  const authHeaders = (key: PoolKey) => {
    const headers = new Headers(extraHeaders);
    headers.set("authorization", `Bearer ${key.secret}`);
    return headers;
  };

  return {
    specificationVersion: "v1",
    id: settings.id ?? "openai",
    hasBalance: false,

    validateKeyFormat(secret) {
      if (keyPattern.test(secret)) return { ok: true };
      return { ok: false, reason: `does not match ${keyPattern}` };
    },

    claimsModel: (model) => modelPattern.test(model),

    rewriteRequest(request: ProviderRequest, key: PoolKey): UpstreamRequest {
      const headers = forwardableRequestHeaders(request.headers);
      for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
      headers.set("authorization", `Bearer ${key.secret}`);
      return {
        // `?key=` can carry the client's gateway token; it must not travel upstream.
        url: joinURL(key.baseURL ?? baseURL, request.path, stripQueryParams(request.search, ["key"])),
        method: request.method,
        headers,
        body: request.body,
      };
    },

    classifyFailure: classifyOpenAIFailure,

    async checkKey(key: PoolKey, options: CallOptions = {}): Promise<KeyCheckResult> {
      let response: Response;
      try {
        response = await doFetch(joinURL(key.baseURL ?? baseURL, "/models"), {
          headers: authHeaders(key),
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
      const cls = classifyOpenAIFailure({ status: response.status, headers: response.headers, body });
      const message = readOpenAIError(body).message ?? `HTTP ${response.status}`;
      if (cls.kind === "key_invalid") return { status: "invalid", message };
      if (cls.kind === "key_exhausted") return { status: "exhausted", message };
      return { status: "error", message: `HTTP ${response.status}: ${message}` };
    },

    async listModels(key: PoolKey | undefined, options: CallOptions = {}): Promise<ModelInfo[]> {
      const headers = key ? authHeaders(key) : new Headers(extraHeaders);
      const response = await doFetch(joinURL(key?.baseURL ?? baseURL, "/models"), { headers, signal: options.signal });
      if (!response.ok) throw new Error(`Listing models failed: HTTP ${response.status}`);
      const json = (await response.json()) as { data?: { id: string; owned_by?: string }[] };
      return (json.data ?? []).map((m) => ({ id: m.id, ownedBy: m.owned_by }));
    },
  };
}

/** A ready instance for api.openai.com. */
export const openai: Provider = createOpenAI();
