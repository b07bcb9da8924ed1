/** The request log and structured lines, from the gateway's options. */
import { createRequestRecorder, type RequestRecorder } from "../logs/request-recorder.js";
import type { GatewayOptions } from "./gateway-options.js";

export function composeRequests(
  options: GatewayOptions,
  instance: string,
  now: () => number,
  onError: (error: unknown) => void,
  /** The pool's record of a key's secret, to mask it. */
  secretOf: (keyId: string) => string | undefined,
): RequestRecorder {
  return createRequestRecorder({
    requestLog: options.requestLog,
    store: options.storage.requestLog,
    logLevel: options.logLevel,
    logger: options.logger,
    instance,
    secretOf,
    now,
    onError,
  });
}
