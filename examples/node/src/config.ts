/**
 * The Node gateway's configuration: `configFromEnv` (docs/configuration.md) with the ids of the
 * providers it serves, so `OPENAI_BASE_URL`, `SILICONFLOW_BASE_URL` and `GEMINI_BASE_URL` are read.
 */
import { type ConfigEnv, type ConfigFromEnvOptions, configFromEnv, type KeyhiveConfig } from "@keyhive/gateway";

export const PROVIDER_IDS = ["openai", "siliconflow", "gemini"] as const;

export type NodeConfig = KeyhiveConfig;

/** Strict: every malformed value and unknown KEYHIVE_* name is listed in one thrown error. */
export function readConfig(env: ConfigEnv = process.env, options: Omit<ConfigFromEnvOptions, "providers"> = {}) {
  return configFromEnv(env, { ...options, providers: PROVIDER_IDS });
}

/** `config` over the defaults: what tests and programs pass to `startNodeGateway` need not be whole. */
export function withDefaults(config: Partial<NodeConfig>): NodeConfig {
  return { ...configFromEnv({}), ...config };
}
