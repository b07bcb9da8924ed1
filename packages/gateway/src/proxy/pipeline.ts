/**
 * The one proxy pipeline behind every route:
 * client auth → provider and model resolution → key selection → rewrite → upstream fetch →
 * streamed response, with failover to another key on a retryable failure before the first byte.
 */
import type { Context } from "hono";
import type { KeyPool, WaitUntil } from "../pool/key-pool.js";
import { bufferedBodyOf } from "../runtime/buffered-body.js";
import { type ChunkSource, chunkSourceOf, responseChunks } from "../runtime/chunk-source.js";
import { StreamResponse } from "../runtime/stream-response.js";
import { waitUntilOf } from "../runtime/wait-until.js";
import { errors, type GatewayError } from "../spec/errors.js";
import type { ApiKind, FailureClass, Provider } from "../spec/provider.js";
import { forwardableResponseHeaders } from "../util/headers.js";
import { type ClientAuth, type ClientIdentity, extractClientCredential } from "./client-auth.js";
import { blameNoKeyForAPage } from "./html-page.js";
import { isCompleteJson, isJsonType, readJsonAnswer } from "./json-answer.js";
import { decodeLeftover, decodeLeftoverBytes, leftoverEncoding } from "./leftover-encoding.js";
import { forwardClientKey } from "./pass-through.js";
import { prepareRequest } from "./prepare-request.js";
import { describeBody, readBody } from "./read-body.js";
import { resolveProvider } from "./resolve-provider.js";
import { guardStream, nativeStreamError } from "./stream-guard.js";
import type { TokenLimits } from "./token-limits.js";
import { checkTokenScope } from "./token-scope.js";
import { finalError, upstreamError } from "./upstream-error.js";
import { type StreamUsage, UsageEventFilter } from "./usage-event-filter.js";

export interface ProxyOptions {
  /**
   * Re-sends after an upstream error (5xx, network, timeout); 0 sends once. Failures of a key
   * itself (401/403, no credit, 429) always move on to another key while usable keys remain.
   * @default 3
   */
  retries: number;
  /** Overall time budget (ms) to get response headers, across all attempts. @default 60000 */
  deadlineMs: number;
  /** Time (ms) one attempt may wait for response headers before the next key is tried; 0: only the deadline. @default 0 */
  attemptTimeoutMs?: number;
  /** Largest request body accepted, in bytes. @default 26214400 (25 MiB: audio uploads) */
  bodyLimit: number;
  /** When every key cools, wait for the soonest one if it is at most this far away (ms). @default 0 */
  maxCooldownWaitMs: number;
  defaultProvider?: string;
}

export const defaultProxyOptions: ProxyOptions = {
  retries: 3,
  deadlineMs: 60_000,
  bodyLimit: 25 * 1024 * 1024,
  maxCooldownWaitMs: 0,
};

/** What happened to one proxied request, for accounting. */
export interface ProxyOutcome {
  client: ClientIdentity;
  provider: string;
  model?: string;
  keyId?: string;
  status: number;
  attempts: number;
  failures: FailureClass["kind"][];
  durationMs: number;
  /** Set once the body ended; the last bytes of a successful body, for token usage. */
  tail?: Uint8Array[];
  /** Token usage taken from a usage event the gateway requested and hid from the client. */
  usage?: StreamUsage;
}

export interface ProxyDeps {
  providers: ReadonlyMap<string, Provider>;
  pool: KeyPool;
  auth: ClientAuth;
  fetch: typeof fetch;
  options: () => ProxyOptions;
  /** Forward a client's own upstream key (one matching the provider's key format) unpooled. */
  clientKeyPassThrough?: () => boolean;
  limits?: TokenLimits;
  /** Ask OpenAI-style streams for their usage chunk (then hidden from the client) to count tokens. */
  injectStreamUsage?: () => boolean;
  /** Lets shared state refresh in the background; called at the start of every request. */
  beforeRequest?: (waitUntil: WaitUntil | undefined) => void;
  /** Called when a request's outcome is known (body ended); Workers persist state here. */
  afterRequest?: (waitUntil: WaitUntil | undefined) => void;
  onOutcome?: (outcome: ProxyOutcome) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export interface ProxyTarget {
  /** Set by per-provider mounts; absent for bare `/v1/...` routes. */
  provider?: Provider;
  api: ApiKind;
  /** See {@link ProviderRequest.path}. */
  path: string;
  /** For native routes whose path carries the model (Gemini). */
  describe?: (path: string, search: string) => { model?: string; stream?: boolean };
}

const emptySource: ChunkSource = { next: async () => ({ done: true }), cancel: async () => {} };

/** Non-stream answers up to this size are read whole (see the success path). */
const SMALL_BODY_BYTES = 1024 * 1024;

const RETRYABLE = new Set<FailureClass["kind"]>(["key_invalid", "key_exhausted", "rate_limited", "upstream_error"]);

/** A request's hold on its token's daily quota, given back once (see TokenLimits.admit). */
interface Admission {
  release?: () => void;
}

export function createProxy(deps: ProxyDeps) {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));

  return async function proxy(c: Context, target: ProxyTarget): Promise<Response> {
    const admission: Admission = {};
    try {
      return await serve(c, target, admission);
    } catch (error) {
      // Ended without an outcome (client gone, adapter bug): nothing will be recorded, so the
      // daily reservation is given back. After an outcome this is a no-op.
      admission.release?.();
      throw error;
    }
  };

  async function serve(c: Context, target: ProxyTarget, admission: Admission): Promise<Response> {
    const startedAt = now();
    const options = deps.options();
    const request = c.req.raw;
    // Only the query is needed: cheaper than parsing the whole URL on every request.
    const queryAt = request.url.indexOf("?");
    const search = queryAt < 0 ? "" : request.url.slice(queryAt);
    const waitUntil = waitUntilOf(c);
    deps.beforeRequest?.(waitUntil);

    const credential = extractClientCredential(request.headers, search);
    let client: ClientIdentity | undefined;
    let authError: unknown;
    try {
      client = await deps.auth.authenticate(credential);
    } catch (error) {
      // A client's own upstream key is only recognisable once the provider is known.
      if (!deps.clientKeyPassThrough?.() || !credential) throw error;
      authError = error;
    }
    const body = await readBody(request, options.bodyLimit);
    const facts = await describeBody(body, request.headers.get("content-type") ?? "");
    const fromPath = target.describe?.(target.path, search) ?? {};
    // On native routes the path names the model the upstream bills (Gemini's body may repeat it
    // as `models/...`): cooldowns and token scopes use the path's.
    const requestedModel = fromPath.model ?? facts.model;
    const stream = facts.stream || fromPath.stream === true;

    const resolved = target.provider
      ? { provider: target.provider, model: requestedModel }
      : resolveProvider(deps.providers, requestedModel, options.defaultProvider);
    const { provider } = resolved;
    const model = resolved.model;
    if (!client) {
      if (!credential || !provider.validateKeyFormat(credential).ok) throw authError;
      return forwardClientKey(deps.fetch, request, provider, credential, {
        api: target.api,
        method: request.method,
        path: target.path,
        search: search,
        headers: request.headers,
        body,
        model,
        stream,
      });
    }
    checkTokenScope(client.record, provider.id, model, request.method);
    admission.release = deps.limits?.admit(client.record);

    const { request: providerRequest, addUsage } = prepareRequest({
      target,
      method: request.method,
      headers: request.headers,
      search: search,
      credential,
      body,
      facts,
      model,
      requestedModel,
      stream,
      injectStreamUsage: deps.injectStreamUsage?.() === true,
    });

    const tried = new Set<string>();
    const failures: FailureClass["kind"][] = [];
    let lastError: GatewayError | undefined;
    const deadline = startedAt + options.deadlineMs;
    const identity = client;
    const report = (status: number, keyId?: string, tail?: Uint8Array[], usage?: StreamUsage) => {
      // In the same synchronous step as onOutcome records the usage: the reservation turns into
      // a recorded request with no moment where it counts twice or not at all.
      admission.release?.();
      deps.afterRequest?.(waitUntil);
      deps.onOutcome?.({
        client: identity,
        provider: provider.id,
        model,
        keyId,
        status,
        attempts: tried.size,
        failures,
        durationMs: now() - startedAt,
        tail,
        usage,
      });
    };

    // `retries` bounds re-sends after upstream errors (5xx, network), where the request itself may
    // be at fault. A key's own failure (dead, empty, rate limited) is never the request's fault:
    // the gateway moves on while untried usable keys remain, bounded by the deadline.
    let retriesLeft = options.retries;
    const rateLimited = new Set<string>();
    let resent = false;
    const failAttempt = (keyId: string, message: string, status = 502) => {
      deps.pool.reportFailure(keyId, { kind: "upstream_error", message });
      failures.push("upstream_error");
      return errors.upstream(message, status);
    };
    for (;;) {
      let selection = deps.pool.select(provider.id, { model, exclude: tried });
      if (!selection.ok && selection.reason === "cooling" && selection.retryAfterMs <= options.maxCooldownWaitMs) {
        await sleep(selection.retryAfterMs);
        // A key that was only rate limited may serve this request once its cooldown is over.
        for (const id of rateLimited) tried.delete(id);
        rateLimited.clear();
        selection = deps.pool.select(provider.id, { model, exclude: tried });
      }
      if (!selection.ok) {
        if (lastError) break;
        const error =
          selection.reason === "cooling"
            ? errors.rateLimited(
                `All ${provider.id} keys are rate limited; the soonest is free in ${Math.ceil(selection.retryAfterMs / 1000)} s.`,
                selection.retryAfterMs / 1000,
                "all_keys_cooling",
              )
            : errors.noAvailableKey(
                `No usable ${provider.id} key${model ? ` for model '${model}'` : ""}: add or re-check keys.`,
              );
        report(error.status);
        throw error;
      }
      const key = selection.key;
      tried.add(key.id);
      const upstream = provider.rewriteRequest(providerRequest, deps.pool.toPoolKey(key));

      const controller = new AbortController();
      const onClientAbort = () => controller.abort(request.signal.reason);
      if (request.signal.aborted) controller.abort(request.signal.reason);
      request.signal.addEventListener("abort", onClientAbort, { once: true });
      // One timer bounds the wait for the first byte (headers, then the first body chunk or the
      // whole small body): a stalled upstream is just another failed attempt.
      const untilDeadline = Math.max(0, deadline - now());
      const attemptMs = options.attemptTimeoutMs ? Math.min(options.attemptTimeoutMs, untilDeadline) : untilDeadline;
      const timer = setTimeout(
        () =>
          controller.abort(
            new Error(attemptMs < untilDeadline ? `no answer within ${attemptMs} ms` : "deadline exceeded"),
          ),
        attemptMs,
      );
      const settle = () => {
        clearTimeout(timer);
        request.signal.removeEventListener("abort", onClientAbort);
      };
      const failed = (what: string, error: unknown): "retry" | "stop" => {
        settle();
        if (request.signal.aborted) throw errors.upstream("Client closed the request.", 499);
        const message = `${what}: ${error instanceof Error ? error.message : String(error)}`;
        lastError = failAttempt(key.id, message, now() >= deadline ? 504 : 502);
        return now() >= deadline || retriesLeft-- <= 0 ? "stop" : "retry";
      };

      let response: Response;
      try {
        response = await deps.fetch(upstream.url, {
          method: upstream.method,
          headers: upstream.headers,
          body: upstream.body,
          signal: controller.signal,
        });
      } catch (error) {
        if (!resent && !controller.signal.aborted) {
          // Most often a keep-alive socket the upstream closed just as it was reused: nothing
          // reached it, so the request goes again, once, as if it had not happened. (Node's
          // fetch does this itself; Bun's and workerd's do not.)
          resent = true;
          settle();
          tried.delete(key.id);
          continue;
        }
        if (failed("Upstream request failed", error) === "stop") break;
        continue;
      }

      if (response.ok) {
        const final = provider.transformResponse
          ? await provider.transformResponse(response, providerRequest)
          : response;
        const headers = forwardableResponseHeaders(final.headers);
        const sse = (final.headers.get("content-type") ?? "").includes("text/event-stream");
        const length = Number(final.headers.get("content-length") ?? Number.NaN);
        const buffered = bufferedBodyOf(final);
        const answerWhole = (bytes: Uint8Array) => {
          deps.pool.reportSuccess(key.id);
          report(final.status, key.id, [bytes.subarray(Math.max(0, bytes.byteLength - 4096))]);
          return new Response(bytes as Uint8Array<ArrayBuffer>, { status: final.status, headers });
        };
        if (buffered || (!sse && length <= SMALL_BODY_BYTES)) {
          // A small, complete answer (JSON): reading it whole is cheaper than piping two streams,
          // and a failure while reading is still before the client's first byte, so it fails over.
          let bytes: Uint8Array;
          try {
            bytes = buffered ?? new Uint8Array(await final.arrayBuffer());
            const leftover = leftoverEncoding(final.headers.get("content-encoding"), bytes);
            if (leftover) bytes = await decodeLeftoverBytes(bytes, leftover);
          } catch (error) {
            if (failed("Upstream body failed", error) === "stop") break;
            continue;
          }
          settle();
          if (bytes.byteLength === 0 && final.status === 200) {
            // No LLM operation answers 200 with nothing: a broken upstream; another key may do better.
            lastError = failAttempt(key.id, "Upstream answered 200 with an empty body.");
            if (now() >= deadline || retriesLeft-- <= 0) break;
            continue;
          }
          return answerWhole(bytes);
        }
        const chunks = responseChunks(final);
        if (!chunks) {
          settle();
          deps.pool.reportSuccess(key.id);
          report(final.status, key.id);
          return new Response(null, { status: final.status, headers });
        }
        // Read the first chunk before answering: a stream that fails before its first byte
        // fails over like any other failed attempt, and the answer starts with data.
        let source = chunks instanceof ReadableStream ? chunkSourceOf(chunks) : chunks;
        let first: Awaited<ReturnType<typeof source.next>>;
        try {
          first = await source.next();
          const leftover = first.done
            ? undefined
            : leftoverEncoding(final.headers.get("content-encoding"), first.value);
          if (leftover && !first.done) {
            source = decodeLeftover(source, first.value, leftover);
            first = await source.next();
          }
        } catch (error) {
          await source.cancel(error);
          if (failed("Upstream stream failed before its first byte", error) === "stop") break;
          continue;
        }
        if (!first.done && !sse && isJsonType(final.headers.get("content-type"))) {
          let read: Awaited<ReturnType<typeof readJsonAnswer>>;
          try {
            read = await readJsonAnswer(source, first.value, SMALL_BODY_BYTES);
          } catch (error) {
            if (failed("Upstream body failed", error) === "stop") break;
            continue;
          }
          if ("whole" in read) {
            settle();
            if (isCompleteJson(read.whole)) return answerWhole(read.whole);
            lastError = failAttempt(key.id, "Upstream JSON answer ended before it was complete.");
            if (now() >= deadline || retriesLeft-- <= 0) break;
            continue;
          }
          first = { done: false, value: read.prefix };
        }
        clearTimeout(timer);
        if (first.done && final.status === 200) {
          settle();
          lastError = failAttempt(key.id, "Upstream answered 200 with an empty body.");
          if (now() >= deadline || retriesLeft-- <= 0) break;
          continue;
        }
        deps.pool.reportSuccess(key.id);
        const usageFilter = addUsage && sse ? new UsageEventFilter() : undefined;
        const guarded = guardStream(first.done ? emptySource : source, {
          first: first.done ? undefined : first.value,
          sse,
          usageFilter,
          errorEvent: target.api === "native" ? nativeStreamError(provider) : undefined,
          // OpenAI-style chat and text streams always end with `data: [DONE]`; one that stops
          // cleanly without it was cut (a close-delimited body cannot tell otherwise).
          expectDone:
            target.api === "openai" && (target.path === "/chat/completions" || target.path === "/completions"),
          onEnd: ({ ok, tail }) => {
            settle();
            report(ok ? final.status : 502, key.id, ok ? tail : undefined, usageFilter?.usage);
          },
          onCancel: () => controller.abort(new Error("client disconnected")),
        });
        return new StreamResponse(guarded, { status: final.status, headers });
      }

      let text: string;
      try {
        text = await response.text();
      } catch (error) {
        if (failed(`Upstream answered ${response.status}, then its body failed`, error) === "stop") break;
        continue;
      }
      settle();
      const cls = blameNoKeyForAPage(
        provider.classifyFailure({ status: response.status, headers: response.headers, body: text, model }),
        response,
        text,
      );
      failures.push(cls.kind);
      if (!RETRYABLE.has(cls.kind)) {
        // The client's own mistake: the upstream's answer is the most precise error there is.
        report(response.status, key.id);
        return new Response(text, { status: response.status, headers: forwardableResponseHeaders(response.headers) });
      }
      deps.pool.reportFailure(key.id, cls, model);
      if (cls.kind === "rate_limited") rateLimited.add(key.id);
      lastError = upstreamError(cls, response.status, key.secret);
      if (now() >= deadline) break;
      if (cls.kind === "upstream_error" && retriesLeft-- <= 0) break;
    }

    const final = finalError(lastError, provider.id, tried.size, failures.length);
    report(final.status);
    throw final;
  }
}
