/**
 * Selection for a pinned request: a follow-up of a stateful resource (a stored response, a file,
 * a batch…) can only be served by the key that created it, since no other key's account can see
 * it. So there is no failover: the pinned key serves, or the client is told precisely why not.
 */
import type { KeyPool, Selection } from "../pool/key-pool.js";
import { errors, GatewayError } from "../spec/errors.js";
import type { KeyPin } from "./proxy-types.js";

/** What the request's attempts did so far (the attempt loop's log). */
interface AttemptsSoFar {
  readonly tried: ReadonlySet<string>;
  readonly failures: readonly string[];
}

/** The pinned key, the end of the attempts (`ok: false`), or the error saying why it cannot serve. */
export function selectPinned(
  pin: KeyPin,
  providerId: string,
  pool: KeyPool,
  log: AttemptsSoFar,
): Selection | GatewayError {
  const record = pool.get(pin.keyId);
  if (!record || record.provider !== providerId) {
    return new GatewayError(
      `The key that created '${pin.resource}' is no longer in the pool. The upstream keeps '${pin.resource}' in ` +
        "that key's account, so no other key can serve this request; create the resource again.",
      { status: 410, type: "invalid_request_error", code: "affinity_key_gone" },
    );
  }
  // After a failure of the key itself (not a resendable upstream error) nothing is left to try.
  if (log.tried.has(record.id) && log.failures.at(-1) !== "upstream_error") return { ok: false, reason: "empty" };
  const now = Date.now();
  if (record.status === "cooling" && (record.cooldownUntil ?? 0) > now) {
    const seconds = ((record.cooldownUntil ?? now) - now) / 1000;
    return errors.rateLimited(
      `The key that created '${pin.resource}' is rate limited for ${Math.ceil(seconds)} s; only that key can serve ` +
        "this request (the upstream keeps the resource in its account).",
      seconds,
      "affinity_key_cooling",
    );
  }
  if (record.status === "disabled" || record.status === "invalid" || record.status === "exhausted") {
    return errors.conflict(
      `The key that created '${pin.resource}' is ${record.status}; only that key can serve this request (the ` +
        "upstream keeps the resource in its account). Re-enable the key, or create the resource again.",
      "affinity_key_unavailable",
    );
  }
  return { ok: true, key: record };
}
