export { ProxyTrust, parsePublicURL, parseTrustProxy, type TrustProxy } from "./admin/proxy-trust.js";
export { ADMIN_PASSWORD_MIN_LENGTH, assertAdminPassword, type BootstrapResult } from "./bootstrap.js";
export {
  type ConfigEnv,
  ConfigError,
  type ConfigFromEnvOptions,
  configFromEnv,
  type KeyhiveConfig,
} from "./config/config-from-env.js";
export { type ConfiguredGatewayOptions, gatewayOptionsFromConfig } from "./config/gateway-options.js";
export { baseURLVariableName, CONFIG_VARIABLES, OTHER_VARIABLES } from "./config/variables.js";
export { createGateway, type Gateway, type GatewayOptions } from "./gateway.js";
export type { RequestLogOptions } from "./logs/request-log.js";
export type { RequestRecord } from "./logs/request-record.js";
export { LOG_LEVELS, type LogLevel } from "./logs/structured-log.js";
export { defaultHealthPolicy, type HealthPolicy, onCheck, onFailure, onSuccess } from "./pool/health.js";
export { KeyPool, type KeyPoolOptions, type Selection, type SelectOptions, type WaitUntil } from "./pool/key-pool.js";
export { keyId, type NewKeyInput, newKeyRecord, splitKeys } from "./pool/new-key.js";
export {
  type Candidate,
  type CandidateList,
  leastRecentlyUsed,
  random,
  roundRobin,
  type SelectionStrategy,
  type StrategyName,
  strategies,
  strategyByName,
  type WeightedOptions,
  weighted,
} from "./pool/strategies.js";
export {
  type AffinityRecord,
  type AffinityStore,
  DEFAULT_AFFINITY_TTL_MS,
  MemoryAffinity,
  type MemoryAffinityOptions,
} from "./proxy/affinity.js";
export { clientKeyHeadersOf, extractClientCredential, withoutClientCredentials } from "./proxy/client-credentials.js";
export { defaultProxyOptions, type ProxyOptions, type ProxyOutcome } from "./proxy/pipeline.js";
export { resolveProvider } from "./proxy/resolve-provider.js";
export { RESPONSES_OPERATIONS } from "./proxy/responses-routes.js";
export { OPENAI_OPERATIONS } from "./proxy/routes.js";
export {
  bunClientAddress,
  type ClientAddress,
  cloudflareClientAddress,
  detectClientAddress,
  nodeClientAddress,
} from "./runtime/client-address.js";
export { type ErrorType, errors, GatewayError, type GatewayErrorOptions } from "./spec/errors.js";
export * from "./spec/provider.js";
export * from "./spec/storage.js";
export type { TracingOptions } from "./tracing/request-spans.js";
export {
  constantTimeEqual,
  DEFAULT_PASSWORD_ITERATIONS,
  hashPassword,
  needsRehash,
  parsePasswordHash,
  randomSecret,
  sha256Hex,
  verifyPassword,
  WORKERS_PASSWORD_ITERATIONS,
} from "./util/crypto.js";
export { discardBody } from "./util/discard-body.js";
export { CLIENT_CREDENTIAL_HEADERS, forwardableRequestHeaders, parseRetryAfter } from "./util/headers.js";
export { maskSecret, redact } from "./util/mask.js";
export { joinURL, stripQueryParams } from "./util/url.js";
