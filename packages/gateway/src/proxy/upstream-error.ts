import { errors, GatewayError } from "../spec/errors.js";
import type { FailureClass } from "../spec/provider.js";
import { maskSecret } from "../util/mask.js";

/** The client-facing error for one failed attempt: the upstream's own message, key masked. */
export function upstreamError(cls: FailureClass, status: number, secret: string): GatewayError {
  const message = cls.message.replaceAll(secret, maskSecret(secret));
  if (cls.kind === "rate_limited") {
    const retryAfter = cls.retryAfterMs !== undefined ? cls.retryAfterMs / 1000 : undefined;
    return errors.rateLimited(`Upstream rate limit: ${message}`, retryAfter);
  }
  return errors.upstream(`Upstream answered ${status}: ${message}`, 502);
}

/** The error when every attempt failed: the last upstream error, saying how many were tried. */
export function finalError(
  last: GatewayError | undefined,
  providerId: string,
  tried: number,
  failures: number,
): GatewayError {
  const error = last ?? errors.noAvailableKey(`No usable ${providerId} key.`);
  if (error.status === 429 || failures === 0) return error;
  return new GatewayError(`All ${tried} attempt(s) failed; last error: ${error.message}`, {
    status: error.status,
    type: error.type,
    code: error.code,
    retryAfter: error.retryAfter,
  });
}
