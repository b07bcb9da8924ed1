/**
 * The one proxy pipeline behind every route. A request, in order:
 *
 * 0. `before`   background upkeep: shared state, usage counters, key history   (requestHooks, below)
 * 1. prepare    client auth, body, provider and model, token scope, daily quota  (prepare.ts)
 * 2. select     a key from the pool, waiting out a short cooldown if allowed     (attempt-loop.ts)
 * 3. attempt    rewrite, fetch, read up to the first byte under a timeout        (attempt.ts, read-answer.ts)
 * 4. classify   success · the client's own error · a key's failure · upstream error (attempt.ts)
 * 5. decide     retry, fail over to another key, or finish — in one place        (attempt-loop.ts)
 *    `outcome`  after each attempt: the key's health report to the pool          (requestHooks)
 * 6. respond    the whole answer, or the guarded stream                          (respond.ts)
 *    `after`    once the body ended: quota, usage, metrics and the request log, the deployment's observer (requestHooks)
 *
 * Errors are thrown as `GatewayError`s, which the app renders in the client's API shape.
 */
import type { Context } from "hono";
import type { KeyPool } from "../pool/key-pool.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import { type WaitUntil, waitUntilOf } from "../runtime/wait-until.js";
import type { Provider } from "../spec/provider.js";
import { usageOfTail } from "./answer-usage.js";
import { AttemptLog, type LoopDeps, runAttempts } from "./attempt-loop.js";
import type { ClientAuth } from "./client-auth.js";
import { clientKeyHeadersOf } from "./client-credentials.js";
import { forwardClientKey } from "./pass-through.js";
import { type Prepared, prepare } from "./prepare.js";
import type { OutcomeDetail, ProxyOptions, ProxyOutcome, ProxyTarget, RequestHooks } from "./proxy-types.js";
import { type Finish, respond, type SentBody } from "./respond.js";
import type { TokenLimits } from "./token-limits.js";
import {
  CLIENT_GONE_STATUS,
  endOf,
  type PreparedSoFar,
  type RecordUnserved,
  type UnservedEnd,
  unservedNoter,
} from "./unserved.js";

export {
  defaultProxyOptions,
  type ProxyOptions,
  type ProxyOutcome,
  type ProxyTarget,
  type RequestHooks,
} from "./proxy-types.js";

export interface ProxyDeps {
  providers: ReadonlyMap<string, Provider>;
  pool: KeyPool;
  auth: ClientAuth;
  /** Per-token limits: checked before any work, the daily reservation given back in `after`. */
  limits?: TokenLimits;
  /** Counts requests, failures and tokens per key and per token. */
  usage: UsageMeter;
  /** Pulls other instances' changes (tokens, settings, keys) when the local view is stale. */
  sync?: { freshen(waitUntil?: WaitUntil): Promise<void> | undefined };
  /** Sample this request's bodies for the request log: the byte cap, or undefined (the default: never). */
  bodySample?: (tokenId: string, model: string | undefined) => number | undefined;
  /** Told of requests that end before or outside the pool (unserved.ts): the request log. */
  recordUnserved?: RecordUnserved;
  /** Told of every outcome, in order: the admin API's metrics, then the deployment's `onOutcome`. */
  observers?: readonly ((outcome: ProxyOutcome, waitUntil?: WaitUntil) => void)[];
  fetch: typeof fetch;
  options: () => ProxyOptions;
  /** Forward a client's own upstream key (one matching the provider's key format) unpooled. */
  clientKeyPassThrough?: () => boolean;
  /** Ask OpenAI-style streams for their usage chunk (then hidden from the client) to count tokens. */
  injectStreamUsage?: () => boolean;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export type ProxyFunction = (c: Context, target: ProxyTarget) => Promise<Response>;

export function createProxy(deps: ProxyDeps): ProxyFunction {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const hooks = requestHooks(deps);
  const prepareDeps = { ...deps, keyHeaders: clientKeyHeadersOf(deps.providers.values()) };
  const loopDeps: LoopDeps = { pool: deps.pool, fetch: deps.fetch, hooks, now, sleep };

  return async function proxy(c: Context, target: ProxyTarget): Promise<Response> {
    const startedAt = now();
    const options = deps.options();
    const waitUntil = waitUntilOf(c);
    // 0: a view older than the refresh interval is refreshed before this request selects a key.
    const freshening = hooks.before(waitUntil);
    if (freshening) await freshening;
    const raw = c.req.raw;
    const seen: PreparedSoFar = {};
    const unserved = unservedNoter(deps.recordUnserved, { startedAt, target, waitUntil, now }, seen);
    const prepared = await prepare(raw, target, options, prepareDeps, seen).catch((error) => {
      unserved(endOf(error)); // 1
      throw error;
    });
    if (prepared.kind === "own-key") return forwardOwnKey(deps, raw, prepared, unserved);
    const { client, provider, model, release } = prepared;
    const log = new AttemptLog(options.retries);
    let keyId: string | undefined;
    const sampleBytes = deps.bodySample?.(client.tokenId, model);
    const facts: Pick<OutcomeDetail, "ttfbMs" | "error" | "sample"> = sampleBytes
      ? { sample: requestSample(prepared.request.body, sampleBytes) }
      : {};
    const finish: Finish = (status, tail, usage, sent) =>
      hooks.after(
        {
          client,
          provider: provider.id,
          model,
          keyId,
          status,
          attempts: log.tried.size,
          failures: log.failures,
          durationMs: now() - startedAt,
          tail,
          usage,
          detail: detailOf(startedAt, target, log, facts, sent),
        },
        { provider, waitUntil, release },
      );
    try {
      const { request } = prepared;
      // A stateful follow-up goes to the key that created its resource, or is refused (affinity.ts).
      const pin = await target.pin?.(request, provider);
      const deadline = startedAt + options.deadlineMs;
      // 2–5: select, attempt, classify, decide — until an answer, a refusal, or no attempt left.
      const end = await runAttempts(
        { provider, model, request, clientSignal: raw.signal, options, deadline, pin },
        loopDeps,
        log,
      );
      if (end.kind === "failed") {
        facts.error = end.error.message;
        finish(end.error.status);
        throw end.error;
      }
      keyId = end.keyId;
      facts.ttfbMs = now() - startedAt;
      if (end.kind === "refused") {
        finish(end.response.status);
        return end.response;
      }
      const answer = target.created ? target.created(end.answer, end.keyId, provider) : end.answer;
      return respond({ answer, target, provider, addUsage: prepared.addUsage, finish, sampleBytes }); // 6
    } catch (error) {
      // Ended without an outcome (client gone, adapter bug): no usage will be recorded, so the
      // daily reservation is given back. After an outcome this is a no-op.
      release?.();
      if (raw.signal.aborted) unserved({ status: CLIENT_GONE_STATUS, error: CLIENT_GONE, attempts: log.entries });
      throw error;
    }
  };
}

const CLIENT_GONE = "The client closed the request before the answer.";

/** Pass-through with the client's own key: no pool, no usage; the request log records the status. */
async function forwardOwnKey(
  deps: ProxyDeps,
  raw: Request,
  prepared: Extract<Prepared, { kind: "own-key" }>,
  unserved: (end: UnservedEnd) => void,
): Promise<Response> {
  const { provider, secret, request } = prepared;
  try {
    const response = await forwardClientKey(deps.fetch, raw, provider, secret, request);
    unserved({ status: response.status, ownKey: secret });
    return response;
  } catch (error) {
    unserved({ ...endOf(error), ownKey: secret });
    throw error;
  }
}

/** The request log's view of a finished request. */
function detailOf(
  startedAt: number,
  target: ProxyTarget,
  log: AttemptLog,
  facts: Pick<OutcomeDetail, "ttfbMs" | "error" | "sample">,
  sent: SentBody | undefined,
): OutcomeDetail {
  const { api, path } = target;
  const streamed = sent?.streamed ?? false;
  return {
    startedAt,
    api,
    path,
    attempts: log.entries,
    streamed,
    bytes: sent?.bytes,
    ...facts,
    error: facts.error ?? sent?.error,
    ...(facts.sample ? { sample: { ...facts.sample, response: sent?.head } } : {}),
  };
}

/** The request body's first `maxBytes`, copied (the body itself is resent on failover). */
function requestSample(body: ArrayBuffer | null, maxBytes: number): NonNullable<OutcomeDetail["sample"]> {
  const bytes = body ? new Uint8Array(body, 0, Math.min(maxBytes, body.byteLength)).slice() : undefined;
  return { request: bytes, maxBytes, requestBytes: body?.byteLength ?? 0 };
}

/** Everything a request triggers outside its own attempts. */
export function requestHooks(deps: Pick<ProxyDeps, "pool" | "usage" | "sync" | "observers">): RequestHooks {
  const { pool, usage, sync, observers = [] } = deps;
  return {
    before(waitUntil) {
      usage.maybeFlush(waitUntil);
      pool.maybeFlushHistory(waitUntil);
      return sync?.freshen(waitUntil);
    },
    outcome(verdict) {
      // The key's health. A refused request says nothing about the key either way.
      if (verdict.kind === "served") pool.reportSuccess(verdict.keyId);
      else if (verdict.kind === "failed") pool.reportFailure(verdict.keyId, verdict.failure, verdict.model);
    },
    after(outcome, { provider, waitUntil, release }) {
      // Workers may freeze the isolate after the response: hand pending health writes to waitUntil.
      if (waitUntil && pool.pendingWrites > 0) waitUntil(pool.flushWrites());
      const ok = outcome.status < 400;
      if (ok) outcome.counted = outcome.usage ?? usageOfTail(outcome.tail, provider);
      const event = {
        keyId: outcome.keyId,
        tokenId: outcome.client.tokenId,
        ok,
        failures: outcome.failures,
        ...outcome.counted,
      };
      // In the same synchronous step as the usage is recorded: the reservation turns into a
      // recorded request with no moment where it counts twice or not at all.
      release?.(event);
      usage.record(event);
      for (const observe of observers) observe(outcome, waitUntil);
    },
  };
}
