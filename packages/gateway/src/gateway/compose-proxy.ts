/** The proxy, wired to the pool, the client tokens, usage accounting and the live settings. */

import { bodySampler } from "../logs/body-sample.js";
import type { KeyPool } from "../pool/key-pool.js";
import type { UsageMeter } from "../pool/usage-meter.js";
import type { ClientAuth } from "../proxy/client-auth.js";
import { createProxy, type ProxyFunction } from "../proxy/pipeline.js";
import type { ProxyOutcome } from "../proxy/proxy-types.js";
import { TokenLimits } from "../proxy/token-limits.js";
import type { RecordUnserved } from "../proxy/unserved.js";
import type { WaitUntil } from "../runtime/wait-until.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import type { SharedStateSync } from "../shared-state.js";
import type { Provider } from "../spec/provider.js";
import type { CounterStore } from "../spec/storage.js";
import { requestSpans } from "../tracing/request-spans.js";
import type { GatewayOptions } from "./gateway-options.js";

export interface ProxyParts {
  providers: ReadonlyMap<string, Provider>;
  pool: KeyPool;
  auth: ClientAuth;
  usage: UsageMeter;
  settings: SettingsRuntime;
  sync: SharedStateSync;
  /** The admin API's request metrics. */
  metrics: (outcome: ProxyOutcome, waitUntil?: WaitUntil) => void;
  now: () => number;
  /** The storage's shared counters: token limits hold across instances (else per instance). */
  counters?: CounterStore;
  /** The request log's entry for requests that end before or outside the pool. */
  recordUnserved?: RecordUnserved;
}

export function composeProxy(options: GatewayOptions, parts: ProxyParts): ProxyFunction {
  const { providers, pool, auth, usage, settings, sync, now } = parts;
  const bodyLimit = options.bodyLimit ?? 25 * 1024 * 1024;
  return createProxy({
    providers,
    pool,
    auth,
    usage,
    sync,
    limits: new TokenLimits(usage, now, parts.counters),
    recordUnserved: parts.recordUnserved,
    bodySample: bodySampler(() => settings.value.bodySampling),
    observers: [
      ...(options.onOutcome ? [parts.metrics, options.onOutcome] : [parts.metrics]),
      // Tracing off: no observer at all, nothing runs per request.
      ...(options.tracing ? [requestSpans(options.tracing, options.onError)] : []),
    ],
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
    options: () => {
      const s = settings.value;
      return {
        retries: s.retries,
        deadlineMs: s.deadlineMs,
        attemptTimeoutMs: s.attemptTimeoutMs,
        maxCooldownWaitMs: s.maxCooldownWaitMs,
        defaultProvider: s.defaultProvider ?? undefined,
        bodyLimit,
      };
    },
    clientKeyPassThrough: () => settings.value.clientKeyPassThrough,
    injectStreamUsage: () => options.injectStreamUsage ?? true,
    now,
    sleep: options.sleep,
  });
}
