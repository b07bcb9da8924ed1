/**
 * The Provider contract: everything the gateway needs to know about one upstream vendor.
 *
 * A provider is a plain object built by a `createX(settings)` factory. It never performs the
 * proxied request itself — the gateway's pipeline does — so adapters stay small and pure:
 * validate a key's shape, rewrite a request, classify a failed response, check a key, list models.
 */

/** Bumped on any breaking change of {@link Provider}; the gateway refuses unknown versions. */
export const PROVIDER_SPECIFICATION_VERSION = "v1" as const;

/** The key the pool selected, as a provider sees it. Secrets never leave the request path. */
export interface PoolKey {
  /** Stable id: `<provider>-<first 20 hex chars of sha256(secret)>`. */
  readonly id: string;
  /** The upstream API key itself. */
  readonly secret: string;
  /** Per-key base URL (relays); overrides the provider's `baseURL` when set. */
  readonly baseURL?: string;
}

/** Result of validating a key's format: pure, synchronous, with a human-readable reason. */
export type KeyFormatResult = { ok: true } | { ok: false; reason: string };

/** Outcome of a key check against the real upstream. */
export type KeyCheckResult =
  | { status: "valid"; balance?: number; balanceDetail?: Record<string, number>; message?: string }
  /** The key authenticates but has no usable credit (still usable for free models). */
  | { status: "exhausted"; balance?: number; balanceDetail?: Record<string, number>; message: string }
  /** The upstream rejected the key itself (401/403 or the provider's own dead-key signal). */
  | { status: "invalid"; message: string }
  /**
   * The check itself could not be completed (network error, 5xx, timeout). Never a statement
   * about the key's balance: callers keep the previous balance.
   */
  | { status: "error"; message: string };

/**
 * Why an upstream response failed, from the pool's point of view. The pool acts on the class:
 * `client_error` is returned as-is and never retried; the others move to another key.
 */
export type FailureClass =
  /** The request itself is wrong (400/404/413/422…): retrying on another key cannot help. */
  | { kind: "client_error"; message: string }
  /** The key is dead (revoked, unknown, suspended). */
  | { kind: "key_invalid"; message: string }
  /** The key has no credit left (`insufficient_quota`, balance too low). */
  | { kind: "key_exhausted"; message: string }
  /**
   * The key is rate limited. `retryAfterMs` comes from the upstream when it says so.
   * `scope: "model"` means only this key+model pair should cool down (per-model quotas).
   */
  | {
      kind: "rate_limited";
      message: string;
      retryAfterMs?: number;
      scope?: "key" | "model";
      /** A per-day quota recovers at the daily reset, not in a minute. */
      window?: "minute" | "day";
    }
  /** The upstream failed (5xx, overload, network): try elsewhere, do not blame the key. */
  | { kind: "upstream_error"; message: string };

/** An upstream response that was not a success, with its (small) body already read. */
export interface UpstreamFailure {
  status: number;
  headers: Headers;
  /** The response body as text (error bodies are small; success bodies are never read). */
  body: string;
  /** The model of the request, when known. */
  model?: string;
}

/** Which API surface a request came in on. */
export type ApiKind =
  /** The OpenAI-compatible surface: `/v1/chat/completions`, `/v1/models`, … */
  | "openai"
  /** The OpenAI Responses API: `/v1/responses`, `/v1/responses/{id}`, … (see `Provider.surfaces`). */
  | "responses"
  /** The Anthropic Messages API: `/v1/messages`, `/v1/messages/count_tokens` (see `Provider.surfaces`). */
  | "messages"
  /** The provider's own wire format, e.g. Gemini's `/v1beta/models/{model}:generateContent`. */
  | "native"
  /** Vendor pass-through: any other path under a prefix the provider declares, forwarded as it is. */
  | "pass-through";

/** Client API surfaces a provider may serve besides the OpenAI-compatible one. */
export type ApiSurface = "responses" | "messages";

/** A client request after the gateway parsed what it needs, ready for rewriting. */
export interface ProviderRequest {
  api: ApiKind;
  method: string;
  /**
   * For `api: "openai"`: the operation path without the version prefix, e.g. `/chat/completions`.
   * For `api: "native"`: the full path the client used under the provider mount, e.g.
   * `/v1beta/models/gemini-2.0-flash:generateContent`.
   */
  path: string;
  /**
   * The client's query string including `?`, or `""`. Never contains the client's credentials:
   * the gateway removed `key=`.
   */
  search: string;
  /**
   * The client's headers (read-only view). Never contain the client's credentials: the gateway
   * removed `authorization`, `x-api-key`, `cookie` and every provider's `clientKeyHeaders`.
   */
  headers: Headers;
  /** The request body, buffered once so that failover can resend it. `null` for GET. */
  body: ArrayBuffer | null;
  /** The model named by the request, when any. */
  model?: string;
  /** Whether the client asked for a streamed response. */
  stream: boolean;
}

/** What the gateway sends upstream. */
export interface UpstreamRequest {
  url: string;
  method: string;
  headers: Headers;
  body: ArrayBuffer | null;
}

/** A native route the provider serves besides the OpenAI-compatible surface. */
export interface NativeRoute {
  method: "GET" | "POST";
  /** A Hono path pattern under the provider mount, e.g. `/v1beta/models/:action{.+}`. */
  path: string;
  /** Extracts the model and stream flag from the route, when they live in the path. */
  describe?(path: string, search: string): { model?: string; stream?: boolean };
}

export interface ModelInfo {
  id: string;
  ownedBy?: string;
}

/** Options every `checkKey` / `listModels` call receives. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** The adapter contract. See the package README of `@keyhive/gateway` for a walkthrough. */
export interface Provider {
  readonly specificationVersion: typeof PROVIDER_SPECIFICATION_VERSION;
  /** Short lowercase id, also the mount path: `/<id>/v1/...`. `[a-z0-9-]+`. */
  readonly id: string;
  /**
   * Headers (lowercase) the provider's own clients send their key in, besides `authorization`
   * and `x-api-key` (e.g. Gemini's `x-goog-api-key`). The gateway accepts a client token there
   * too, and removes these headers from every request before any provider sees it.
   */
  readonly clientKeyHeaders?: readonly string[];
  /** Native routes served under `/<id>` (and at the root when the provider claims them). */
  readonly nativeRoutes?: readonly NativeRoute[];
  /**
   * Surfaces served besides the OpenAI-compatible operations (always served): `responses` (the
   * OpenAI Responses API) and `messages` (the Anthropic Messages API). @default []
   */
  readonly surfaces?: readonly ApiSurface[];
  /**
   * Vendor pass-through: path prefixes under the provider mount (e.g. `"/v1/"`) below which any
   * method and path the gateway has no route for is forwarded with a pooled key, the body passed
   * as it is. Routes the gateway knows take precedence. @default []
   */
  readonly passThroughPrefixes?: readonly string[];
  /**
   * Models usable with exhausted keys (e.g. SiliconFlow's free models). The deployment's
   * settings can override this list. When a provider's only usable keys are exhausted, this list
   * (the override, if set) is also what `GET /v1/models` and `/<id>/v1/models` answer for it,
   * without an upstream call — so clients still discover what those keys can serve.
   */
  readonly freeModels?: readonly string[];
  /** Whether the provider's keys have a balance the pool can track. */
  readonly hasBalance?: boolean;

  /** Pure and synchronous: does this string look like one of this provider's keys? */
  validateKeyFormat(secret: string): KeyFormatResult;

  /**
   * Does a bare `/v1/...` request for `model` belong to this provider? Used to route requests
   * that do not name a provider in the path (the first registered provider claiming a model
   * wins), and by the merged `GET /v1/models`, which lists an id plain only when it routes back
   * to its provider (else as `<id>:<model>`). Return false when unsure: claim the vendor's own
   * id families, not another vendor's.
   */
  claimsModel?(model: string): boolean;

  /** Checks one key against the upstream (validity and balance where there is one). */
  checkKey(key: PoolKey, options?: CallOptions): Promise<KeyCheckResult>;

  /**
   * Rewrites a client request for the upstream: target URL and the pool key in the auth header.
   * The request carries no client credential (the gateway removed them). The body passes
   * through untouched unless the upstream needs a change.
   */
  rewriteRequest(request: ProviderRequest, key: PoolKey): UpstreamRequest;

  /** Classifies a failed upstream response. Pure and synchronous. */
  classifyFailure(failure: UpstreamFailure): FailureClass;

  /** Lists the models the upstream offers, using `key` when the listing needs one. */
  listModels(key: PoolKey | undefined, options?: CallOptions): Promise<ModelInfo[]>;

  /**
   * Optional: shape an error the gateway itself produces on this provider's native routes (no
   * usable key, bad token, …) the way the provider's own clients expect. Without it, errors are
   * OpenAI-style JSON. OpenAI-compatible routes always answer OpenAI-style errors.
   */
  formatNativeError?(error: { status: number; message: string; code: string; retryAfter?: number }): Response;

  /** Optional: transform a successful upstream response before it is returned. */
  transformResponse?(response: Response, request: ProviderRequest): Response | Promise<Response>;

  /**
   * Optional: token usage in this provider's own answer shape, for the counts the OpenAI
   * `usage` object (`prompt_tokens`, `completion_tokens`) did not give. `tail` is the end of a
   * successful answer as text — the last few kilobytes of a body, or the last chunks of a
   * stream — and may start mid-JSON, so read it with a pattern, not `JSON.parse`. Pure and
   * synchronous; called only for a successful answer whose tail lacks an OpenAI count.
   * @example usageOf: (tail) => ({ promptTokens: Number(/"inputTokens":(\d+)/.exec(tail)?.[1]) || undefined })
   */
  usageOf?(tail: string): TokenUsage | undefined;
}

/** Token counts of one answer. */
export interface TokenUsage {
  promptTokens?: number;
  completionTokens?: number;
}

/** Settings every provider factory accepts. */
export interface ProviderSettings {
  /** Upstream API root, e.g. `https://api.openai.com/v1`. */
  baseURL?: string;
  /** Extra headers sent on every upstream request. */
  headers?: Record<string, string>;
  /** The fetch used for key checks and model listing. Defaults to the global `fetch`. */
  fetch?: typeof fetch;
}
