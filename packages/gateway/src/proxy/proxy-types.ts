/**
 * The proxy's shared vocabulary: its options, the route a request came in on, and the lifecycle
 * hooks every request runs through. In a module of their own so that each step of the pipeline
 * (prepare, attempt, respond) can name them without importing the pipeline itself.
 */
import type { WaitUntil } from "../runtime/wait-until.js";
import type { ApiKind, FailureClass, Provider, ProviderRequest } from "../spec/provider.js";
import type { Answer } from "./attempt-result.js";
import type { ClientIdentity } from "./client-auth.js";
import type { ReleaseReservation } from "./token-limits.js";
import type { StreamUsage } from "./usage-event-filter.js";

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

export interface ProxyTarget {
  /** Set by per-provider mounts; absent for bare `/v1/...` routes. */
  provider?: Provider;
  api: ApiKind;
  /** See {@link ProviderRequest.path}. */
  path: string;
  /** For native routes whose path carries the model. */
  describe?: (path: string, search: string) => { model?: string; stream?: boolean };
  /**
   * Stateful follow-ups (Responses API…): the one key the request must use, never another, or
   * undefined for any key. Throws a `GatewayError` when that key cannot be used. Called once the
   * client is authenticated.
   */
  pin?: (request: ProviderRequest, provider: Provider) => Promise<KeyPin | undefined>;
  /** Watches a usable answer for the id it created, to remember the key that served it. */
  created?: (answer: Answer, keyId: string, provider: Provider) => Answer;
}

/** A request pinned to the key that created the resource it names. */
export interface KeyPin {
  keyId: string;
  /** The resource id the pin comes from, for messages. */
  resource: string;
}

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
  /** The usage counted for this request (from `usage` or the tail), once `after` has run. */
  counted?: StreamUsage;
  /** For the request log: what the request was and how its response went. */
  detail?: OutcomeDetail;
}

/** One attempt with a pool key, for the request log: which key, how it ended, how long it took. */
export interface AttemptEntry {
  keyId: string;
  /** Absent when the key answered (or the upstream refused the request itself: `client_error`). */
  failure?: FailureClass["kind"];
  /** The upstream's status, when it answered at all. */
  status?: number;
  /** From sending to the first byte (or the failure). */
  ms: number;
  /** From the request's arrival to sending this attempt (ms); absent in records made before it existed. */
  startMs?: number;
}

/** What the request log records besides the accounting fields; all cheap to collect. */
export interface OutcomeDetail {
  /** Epoch ms the request arrived. */
  startedAt: number;
  /** The route's API kind and operation path (`openai` + `/chat/completions`). */
  api: ApiKind;
  path: string;
  /** One entry per attempt with a pool key, in order. */
  attempts: readonly AttemptEntry[];
  /** Arrival to the upstream's first byte, when a key answered. */
  ttfbMs?: number;
  streamed: boolean;
  /** Response body bytes sent to the client, when a body went out. */
  bytes?: number;
  /** Why the request failed, when it did (messages never carry a key's secret). */
  error?: string;
  /** The bodies' first bytes, when sampling is on for this token or model (masked when recorded). */
  sample?: { request?: Uint8Array; response?: Uint8Array; maxBytes: number; requestBytes: number };
}

/** What one attempt with a pool key says about that key. */
export type KeyVerdict =
  /** The key answered usably. */
  | { kind: "served"; keyId: string }
  /** The upstream refused the request itself (`client_error`): not the key's doing. */
  | { kind: "refused"; keyId: string }
  /** The key, or the upstream behind it, failed; `model` scopes a per-model rate limit. */
  | { kind: "failed"; keyId: string; failure: FailureClass; model?: string };

/**
 * Everything a request triggers besides its own upstream attempts, in the order it happens.
 * `createProxy` builds the gateway's hooks (see `requestHooks` in pipeline.ts); each is
 * synchronous and only starts background work, so none delays an answer — except `before` on
 * a view older than the refresh interval, which returns the sync to wait for.
 */
export interface RequestHooks {
  /** First thing on every request, before authentication; a promise when the view is stale. */
  before(waitUntil: WaitUntil | undefined): Promise<void> | undefined;
  /** After each attempt with a pool key, as soon as its result is classified. */
  outcome(verdict: KeyVerdict): void;
  /**
   * Once per request that reached the pool, when its outcome is known: the answer's body ended,
   * or no attempt succeeded. `release` turns the request's limit reservation into its recorded usage.
   */
  after(outcome: ProxyOutcome, request: FinishedRequest): void;
}

/** What `after` needs besides the outcome. */
export interface FinishedRequest {
  provider: Provider;
  waitUntil: WaitUntil | undefined;
  release: ReleaseReservation | undefined;
}
