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
