/** The request log and structured lines, from the gateway's options. */
import { createRequestRecorder, type RequestRecorder } from "../logs/request-recorder.js";
import type { KeyPool } from "../pool/key-pool.js";
import type { GatewayOptions } from "./gateway-options.js";

export function composeRequests(
  options: GatewayOptions,
  pool: KeyPool,
  instance: string,
  now: () => number,
): RequestRecorder {
  return createRequestRecorder({
    requestLog: options.requestLog,
    logLevel: options.logLevel,
    logger: options.logger,
    instance,
    secretOf: (keyId) => pool.get(keyId)?.secret,
    now,
  });
}
