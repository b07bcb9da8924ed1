/**
 * Requests that end without the pool's accounting still reach the request log: refused in step 1
 * (authentication, body, model, scope, limits), answered with the client's own upstream key
 * (pass-through), or abandoned by a client that went away before the answer (499). They count
 * toward no key's or token's usage; the log records what was known when they ended.
 */
import type { WaitUntil } from "../runtime/wait-until.js";
import { GatewayError } from "../spec/errors.js";
import type { Provider } from "../spec/provider.js";
import { maskSecret } from "../util/mask.js";
import type { ClientIdentity } from "./client-auth.js";
import type { AttemptEntry, OutcomeDetail, ProxyTarget } from "./proxy-types.js";

export interface UnservedOutcome {
  /** Absent when authentication itself refused the request. */
  client?: ClientIdentity;
  provider?: string;
  model?: string;
  status: number;
  durationMs: number;
  detail: OutcomeDetail;
  /** The client's own upstream key, masked (pass-through). */
  ownKeyMasked?: string;
}

export type RecordUnserved = (outcome: UnservedOutcome, waitUntil?: WaitUntil) => void;

/** What step 1 had learned when it ended: `prepare` fills it in as it goes. */
export interface PreparedSoFar {
  client?: ClientIdentity;
  provider?: Provider;
  model?: string;
}

export interface UnservedEnd {
  status: number;
  error?: string;
  attempts?: readonly AttemptEntry[];
  ownKey?: string;
}

/** The 499 nginx made the convention for "the client closed the connection first". */
export const CLIENT_GONE_STATUS = 499;

/** A recorder for one request; a no-op when nothing records (the request log is off). */
export function unservedNoter(
  record: RecordUnserved | undefined,
  request: { startedAt: number; target: ProxyTarget; waitUntil: WaitUntil | undefined; now: () => number },
  seen: PreparedSoFar,
): (end: UnservedEnd) => void {
  if (!record) return () => {};
  return (end) => {
    const { startedAt, target } = request;
    record(
      {
        client: seen.client,
        provider: seen.provider?.id,
        model: seen.model,
        status: end.status,
        durationMs: request.now() - startedAt,
        detail: {
          startedAt,
          api: target.api,
          path: target.path,
          attempts: end.attempts ?? [],
          streamed: false,
          ...(end.error ? { error: end.error } : {}),
        },
        ...(end.ownKey ? { ownKeyMasked: maskSecret(end.ownKey) } : {}),
      },
      request.waitUntil,
    );
  };
}

/** A thrown error's status and message as the client sees them (a non-gateway error is a 500). */
export function endOf(error: unknown): UnservedEnd {
  if (error instanceof GatewayError) return { status: error.status, error: error.message };
  return { status: 500, error: "Internal error." };
}
