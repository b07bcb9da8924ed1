/**
 * `@keyhive/gateway/spec`: the contracts alone — the Provider and Storage interfaces, their
 * version constants and the gateway's error type — for adapter and storage-driver authors who
 * want to read and implement the contract without the pool, the proxy or the admin API.
 *
 * Nothing here imports the rest of the gateway (`scripts/check-structure.mjs` keeps `spec/`
 * free of imports), so this entry's JavaScript is a few constants and one error class.
 */
export { type ErrorType, errors, GatewayError, type GatewayErrorOptions } from "./spec/errors.js";
export * from "./spec/provider.js";
export * from "./spec/storage.js";
