/** The part of `GatewayOptions` that comes from the environment, the same for every entry. */
import type { GatewayOptions } from "../gateway.js";
import type { KeyhiveConfig } from "./config-from-env.js";

export type ConfiguredGatewayOptions = Pick<
  GatewayOptions,
  "adminPassword" | "clientTokens" | "refreshIntervalMs" | "trustProxy" | "publicURL" | "logLevel" | "requestLog"
>;

/** `createGateway({ ...gatewayOptionsFromConfig(config), providers, storage, … })`. */
export function gatewayOptionsFromConfig(config: KeyhiveConfig): ConfiguredGatewayOptions {
  return {
    adminPassword: config.adminPassword,
    clientTokens: config.clientTokens,
    refreshIntervalMs: config.refreshIntervalMs,
    trustProxy: config.trustProxy,
    publicURL: config.publicURL,
    logLevel: config.logLevel,
    requestLog:
      config.requestLogMaxRecords === 0
        ? { durable: false }
        : { maxRecords: config.requestLogMaxRecords, maxAgeDays: config.requestLogMaxAgeDays },
  };
}
