/**
 * A fake provider for the gateway's own tests: a small, complete `Provider` defined inside the
 * gateway, so its tests need no adapter package (those depend on the gateway). It speaks the
 * OpenAI-compatible wire format of `fake-upstream.ts` and classifies that upstream's failures.
 * It has no Node imports, so the runtime fixtures (workerd, Bun) bundle it too.
 */
import type {
  CallOptions,
  FailureClass,
  KeyCheckResult,
  ModelInfo,
  NativeRoute,
  PoolKey,
  Provider,
  UpstreamFailure,
} from "../../src/spec/provider.js";
import { discardBody } from "../../src/util/discard-body.js";
import { forwardableRequestHeaders, parseRetryAfter } from "../../src/util/headers.js";
import { joinURL, stripQueryParams } from "../../src/util/url.js";

export interface FakeProviderSettings {
  /** Provider id and mount path. @default "fake" */
  id?: string;
  /** The upstream API root. @default "http://127.0.0.1:9/v1" (nothing listens there) */
  baseURL?: string;
  /** Models a bare `/v1/...` request routes here. @default /^fake-/ */
  modelPattern?: RegExp;
  /**
   * Serve the fake's own native surface too: `POST /native/models/{model}:generate` and
   * `GET /native/models`, whose errors have a shape of their own (`{"fault":{…}}`). @default false
   */
  native?: boolean;
  fetch?: typeof fetch;
}

/** Fake keys: 8–128 letters, digits, `.`, `_`, `:` and `-`; spaces, quotes and markup never match. */
export const FAKE_KEY_PATTERN = /^[A-Za-z0-9._:-]{8,128}$/;

/** The fake's native routes: the model lives in the path, as on some vendors' own APIs. */
export const FAKE_NATIVE_ROUTES: NativeRoute[] = [
  {
    method: "POST",
    path: "/native/models/:action{.+}",
    describe: (path) => ({ model: /^\/native\/models\/([^/:]+):generate$/.exec(path)?.[1] }),
  },
  { method: "GET", path: "/native/models" },
];

/** Errors the gateway itself produces on the native routes, in the native shape. */
function formatNativeError(error: { status: number; message: string; code: string }): Response {
  return Response.json(
    { fault: { status: error.status, code: error.code, message: error.message } },
    {
      status: error.status,
    },
  );
}

/** `{"error":{"message","code"}}` → its fields; anything else (HTML, empty) → none. */
function readError(body: string): { message?: string; code?: string } {
  try {
    const { error } = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } };
    return {
      message: typeof error?.message === "string" ? error.message : undefined,
      code: typeof error?.code === "string" ? error.code : undefined,
    };
  } catch {
    return {};
  }
}

export function classifyFakeFailure(failure: UpstreamFailure): FailureClass {
  const { status } = failure;
  const error = readError(failure.body);
  const message = error.message ?? (failure.body.slice(0, 200) || `HTTP ${status}`);
  if (error.code === "insufficient_quota") return { kind: "key_exhausted", message };
  if (status === 401 || status === 403) return { kind: "key_invalid", message };
  if (status === 429) return { kind: "rate_limited", message, retryAfterMs: parseRetryAfter(failure.headers) };
  if (status === 408 || status >= 500) return { kind: "upstream_error", message };
  return { kind: "client_error", message };
}

export function createFakeProvider(settings: FakeProviderSettings = {}): Provider {
  const baseURL = settings.baseURL ?? "http://127.0.0.1:9/v1";
  const modelPattern = settings.modelPattern ?? /^fake-/;
  const doFetch = settings.fetch ?? ((input, init) => fetch(input, init));
  const auth = (key: PoolKey) => new Headers({ authorization: `Bearer ${key.secret}` });
  const root = (key?: PoolKey) => key?.baseURL ?? baseURL;

  return {
    specificationVersion: "v1",
    id: settings.id ?? "fake",
    hasBalance: false,
    ...(settings.native ? { nativeRoutes: FAKE_NATIVE_ROUTES, formatNativeError } : {}),
    validateKeyFormat: (secret) =>
      FAKE_KEY_PATTERN.test(secret) ? { ok: true } : { ok: false, reason: `does not match ${FAKE_KEY_PATTERN}` },
    claimsModel: (model) => modelPattern.test(model),
    rewriteRequest(request, key) {
      const headers = forwardableRequestHeaders(request.headers);
      headers.set("authorization", `Bearer ${key.secret}`);
      // Native paths carry their version; OpenAI-compatible ones are joined under `/v1`.
      const url =
        request.api === "native"
          ? `${new URL(root(key)).origin}${request.path}${stripQueryParams(request.search, ["key"])}`
          : joinURL(root(key), request.path, stripQueryParams(request.search, ["key"]));
      return { url, method: request.method, headers, body: request.body };
    },
    classifyFailure: classifyFakeFailure,
    async checkKey(key: PoolKey, options: CallOptions = {}): Promise<KeyCheckResult> {
      let response: Response;
      try {
        response = await doFetch(joinURL(root(key), "/models"), { headers: auth(key), signal: options.signal });
      } catch (error) {
        return { status: "error", message: `network: ${error instanceof Error ? error.message : String(error)}` };
      }
      if (response.ok) {
        await discardBody(response);
        return { status: "valid" };
      }
      const body = await response.text().catch(() => "");
      const failure = classifyFakeFailure({ status: response.status, headers: response.headers, body });
      if (failure.kind === "key_invalid") return { status: "invalid", message: failure.message };
      if (failure.kind === "key_exhausted") return { status: "exhausted", message: failure.message };
      return { status: "error", message: `HTTP ${response.status}: ${failure.message}` };
    },
    async listModels(key: PoolKey | undefined, options: CallOptions = {}): Promise<ModelInfo[]> {
      const headers = key ? auth(key) : new Headers();
      const response = await doFetch(joinURL(root(key), "/models"), { headers, signal: options.signal });
      if (!response.ok) throw new Error(`Listing models failed: HTTP ${response.status}`);
      const json = (await response.json()) as { data?: { id: string; owned_by?: string }[] };
      return (json.data ?? []).map((m) => ({ id: m.id, ownedBy: m.owned_by }));
    },
  };
}
