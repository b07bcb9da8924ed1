import { describe, expect, it } from "vitest";
import { configFromEnv } from "./config-from-env.js";
import { gatewayOptionsFromConfig } from "./gateway-options.js";

describe("KEYHIVE_LOG", () => {
  it("is off by default, takes a level in any case, and reaches the gateway options", () => {
    expect(configFromEnv({}).logLevel).toBe("off");
    const config = configFromEnv({ KEYHIVE_LOG: "Info" });
    expect(config.logLevel).toBe("info");
    expect(gatewayOptionsFromConfig(config).logLevel).toBe("info");
  });

  it("refuses an unknown level", () => {
    expect(() => configFromEnv({ KEYHIVE_LOG: "loud" })).toThrow(
      "KEYHIVE_LOG must be one of off, error, warn, info, debug, got 'loud'.",
    );
  });
});

describe("KEYHIVE_REQUEST_LOG_MAX_RECORDS and _MAX_AGE_DAYS", () => {
  it("default to 100,000 records and 7 days; 0 keeps the log in memory", () => {
    expect(gatewayOptionsFromConfig(configFromEnv({})).requestLog).toEqual({ maxRecords: 100_000, maxAgeDays: 7 });
    const set = configFromEnv({ KEYHIVE_REQUEST_LOG_MAX_RECORDS: "5000", KEYHIVE_REQUEST_LOG_MAX_AGE_DAYS: "30" });
    expect(gatewayOptionsFromConfig(set).requestLog).toEqual({ maxRecords: 5000, maxAgeDays: 30 });
    const off = configFromEnv({ KEYHIVE_REQUEST_LOG_MAX_RECORDS: "0" });
    expect(gatewayOptionsFromConfig(off).requestLog).toEqual({ durable: false });
  });

  it("refuses values out of range", () => {
    expect(() => configFromEnv({ KEYHIVE_REQUEST_LOG_MAX_RECORDS: "10" })).toThrow(/KEYHIVE_REQUEST_LOG_MAX_RECORDS/);
    expect(() => configFromEnv({ KEYHIVE_REQUEST_LOG_MAX_AGE_DAYS: "0" })).toThrow(/KEYHIVE_REQUEST_LOG_MAX_AGE_DAYS/);
  });
});
