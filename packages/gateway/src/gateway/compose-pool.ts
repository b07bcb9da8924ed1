/** The key pool, kept in step with the settings (strategy, health policy, free models). */
import { KeyPool, type KeyPoolOptions } from "../pool/key-pool.js";
import { strategyByName } from "../pool/strategies.js";
import type { SettingsRuntime } from "../settings/settings-runtime.js";
import type { Provider } from "../spec/provider.js";
import type { GatewayOptions } from "./gateway-options.js";

export function composePool(
  options: GatewayOptions,
  providers: ReadonlyMap<string, Provider>,
  settings: SettingsRuntime,
  now: () => number,
  onError: (error: unknown) => void,
  onStatusChange?: KeyPoolOptions["onStatusChange"],
): KeyPool {
  const freeModels = new Map<string, ReadonlySet<string>>();
  const pool = new KeyPool({
    storage: options.storage,
    freeModels: (id) => freeModels.get(id),
    now,
    onError,
    onStatusChange,
  });
  settings.onChange((s) => {
    if (!options.strategy) pool.setStrategy(strategyByName(s.strategy));
    pool.updatePolicy({
      cooldownBaseMs: s.cooldownBaseMs,
      cooldownMaxMs: s.cooldownMaxMs,
      balanceThreshold: s.balanceThreshold,
      recheckInvalidMs: s.recheckInvalidMs,
      recheckExhaustedMs: s.recheckExhaustedMs,
      recheckActiveMs: s.recheckActiveMs,
    });
    freeModels.clear();
    for (const provider of providers.values()) {
      const list = s.freeModels[provider.id] ?? provider.freeModels;
      if (list) freeModels.set(provider.id, new Set(list));
    }
  });
  if (options.strategy) pool.setStrategy(options.strategy);
  return pool;
}
