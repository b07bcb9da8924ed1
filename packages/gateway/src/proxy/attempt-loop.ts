/**
 * Steps 2 to 5 of a request: select a key, attempt, classify — and decide. `runAttempts` is the
 * one place that decides whether a request is retried, fails over to another key or finishes.
 *
 * `retries` bounds re-sends after upstream errors (5xx, network, timeout), where the request
 * itself may be at fault. A key's own failure (dead, empty, rate limited) is never the request's
 * fault: the gateway moves on while untried usable keys remain, bounded by the deadline.
 */
import type { KeyPool, Selection } from "../pool/key-pool.js";
import { errors, type GatewayError } from "../spec/errors.js";
import type { FailureClass, Provider, ProviderRequest } from "../spec/provider.js";
import { attempt } from "./attempt.js";
import type { Answer, AttemptResult } from "./attempt-result.js";
import { selectPinned } from "./pinned-key.js";
import type { AttemptEntry, KeyPin, ProxyOptions, RequestHooks } from "./proxy-types.js";
import { finalError } from "./upstream-error.js";

export type { AttemptEntry } from "./proxy-types.js";

export interface LoopInput {
  provider: Provider;
  model: string | undefined;
  request: ProviderRequest;
  clientSignal: AbortSignal;
  options: ProxyOptions;
  /** When the request's time budget ends (epoch ms). */
  deadline: number;
  /** The one key a stateful follow-up must use: no failover to another (see pinned-key.ts). */
  pin?: KeyPin;
}

export interface LoopDeps {
  pool: KeyPool;
  fetch: typeof fetch;
  hooks: Pick<RequestHooks, "outcome">;
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

/** How the attempts ended. */
export type LoopEnd =
  /** A key answered usably: the client gets the answer. */
  | { kind: "answered"; keyId: string; answer: Answer }
  /** The upstream refused the request itself: the client gets the upstream's own answer. */
  | { kind: "refused"; keyId: string; response: Response }
  /** No attempt succeeded, or none could be made: the client gets `error`. */
  | { kind: "failed"; error: GatewayError };

/** What the attempts of one request have done so far; the request's outcome reads it. */
export class AttemptLog {
  /** Keys tried; a rate-limited one leaves again when the request waits out its cooldown. */
  readonly tried = new Set<string>();
  /** Every attempt in order (a silent re-send of a stale keep-alive socket is not one). */
  readonly entries: AttemptEntry[] = [];
  readonly failures: FailureClass["kind"][] = [];
  readonly rateLimited = new Set<string>();
  lastError: GatewayError | undefined;
  resent = false;

  constructor(public retriesLeft: number) {}

  /** The error once no attempt is left: the last one's, saying how many were made. */
  allFailed(providerId: string): GatewayError {
    return finalError(this.lastError, providerId, this.tried.size, this.failures.length);
  }
}

export async function runAttempts(input: LoopInput, deps: LoopDeps, log: AttemptLog): Promise<LoopEnd> {
  const { provider, model } = input;
  for (;;) {
    const selection = input.pin
      ? selectPinned(input.pin, provider.id, deps.pool, log)
      : await selectKey(input, deps, log);
    if ("status" in selection) return { kind: "failed", error: selection };
    if (!selection.ok) {
      const error = log.lastError ? log.allFailed(provider.id) : noKeyError(selection, provider.id, model);
      return { kind: "failed", error };
    }
    const key = selection.key;
    log.tried.add(key.id);
    const sentAt = deps.now();
    const result = await attempt({
      provider,
      request: input.request,
      key: deps.pool.toPoolKey(key),
      fetch: deps.fetch,
      clientSignal: input.clientSignal,
      untilDeadlineMs: Math.max(0, input.deadline - deps.now()),
      attemptTimeoutMs: input.options.attemptTimeoutMs,
    });
    // A silent re-send (below) is not an attempt of its own.
    if (result.kind !== "network" || !result.resendable || log.resent) {
      log.entries.push(entryOf(input, key.id, result, sentAt, deps));
    }
    let another: boolean;
    switch (result.kind) {
      case "success":
        deps.hooks.outcome({ kind: "served", keyId: key.id });
        return { kind: "answered", keyId: key.id, answer: result.answer };
      case "refused":
        log.failures.push("client_error");
        deps.hooks.outcome({ kind: "refused", keyId: key.id });
        return { kind: "refused", keyId: key.id, response: result.response };
      case "failure":
        another = fail(input, deps, log, key.id, result);
        break;
      case "network":
        if (result.resendable && !log.resent) {
          // Most often a keep-alive socket the upstream closed just as it was reused: nothing
          // reached it, so the request goes again, once, as if it had not happened. (Node's
          // fetch does this itself; Bun's and workerd's do not.)
          log.resent = true;
          log.tried.delete(key.id);
          continue;
        }
        if (input.clientSignal.aborted) throw errors.upstream("Client closed the request.", 499);
        another = fail(input, deps, log, key.id, thrownFailure(input, deps, result.message));
        break;
    }
    if (!another) return { kind: "failed", error: log.allFailed(provider.id) };
  }
}

function entryOf(input: LoopInput, keyId: string, result: AttemptResult, sentAt: number, deps: LoopDeps): AttemptEntry {
  const ms = deps.now() - sentAt;
  // The deadline is the arrival plus the time budget, so the arrival is known here without more input.
  const startMs = Math.max(0, sentAt - (input.deadline - input.options.deadlineMs));
  if (result.kind === "success") return { keyId, status: result.answer.status, ms, startMs };
  if (result.kind === "refused") {
    return { keyId, failure: "client_error", status: result.response.status, ms, startMs };
  }
  if (result.kind === "failure") return { keyId, failure: result.failure.kind, status: result.status, ms, startMs };
  return { keyId, failure: "upstream_error", ms, startMs };
}

/** A key for the next attempt; when every key cools, waits for the soonest if that is allowed. */
async function selectKey(input: LoopInput, deps: LoopDeps, log: AttemptLog): Promise<Selection> {
  const { provider, model } = input;
  const selection = deps.pool.select(provider.id, { model, exclude: log.tried });
  if (selection.ok || selection.reason !== "cooling" || selection.retryAfterMs > input.options.maxCooldownWaitMs) {
    return selection;
  }
  await deps.sleep(selection.retryAfterMs);
  // A key that was only rate limited may serve this request once its cooldown is over.
  for (const id of log.rateLimited) log.tried.delete(id);
  log.rateLimited.clear();
  return deps.pool.select(provider.id, { model, exclude: log.tried });
}

/** Records a failed attempt and says whether another may follow. */
function fail(
  input: LoopInput,
  deps: LoopDeps,
  log: AttemptLog,
  keyId: string,
  { failure, error }: { failure: FailureClass; error: GatewayError },
): boolean {
  log.failures.push(failure.kind);
  deps.hooks.outcome({ kind: "failed", keyId, failure, model: input.model });
  if (failure.kind === "rate_limited") log.rateLimited.add(keyId);
  log.lastError = error;
  if (deps.now() >= input.deadline) return false;
  return failure.kind !== "upstream_error" || log.retriesLeft-- > 0;
}

/** A failure that threw is the upstream's: a gateway timeout once the deadline has passed, else a bad gateway. */
function thrownFailure(input: LoopInput, deps: LoopDeps, message: string) {
  const failure: FailureClass = { kind: "upstream_error", message };
  return { failure, error: errors.upstream(message, deps.now() >= input.deadline ? 504 : 502) };
}

function noKeyError(selection: Exclude<Selection, { ok: true }>, providerId: string, model: string | undefined) {
  if (selection.reason === "cooling") {
    return errors.rateLimited(
      `All ${providerId} keys are rate limited; the soonest is free in ${Math.ceil(selection.retryAfterMs / 1000)} s.`,
      selection.retryAfterMs / 1000,
      "all_keys_cooling",
    );
  }
  return errors.noAvailableKey(
    `No usable ${providerId} key${model ? ` for model '${model}'` : ""}: add or re-check keys.`,
  );
}
