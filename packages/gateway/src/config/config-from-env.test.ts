import { describe, expect, it } from "vitest";
import { ConfigError, configFromEnv } from "./config-from-env.js";
import { baseURLVariableName } from "./variables.js";

/** The error configFromEnv throws for `env`, or a failed expectation if it returns. */
function refusal(env: Record<string, string | undefined>, options?: Parameters<typeof configFromEnv>[1]): ConfigError {
  try {
    configFromEnv(env, options);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("configFromEnv accepted the environment");
}

describe("configFromEnv: values and defaults", () => {
  it("an empty environment gives every default", () => {
    expect(configFromEnv({})).toEqual({
      adminPassword: undefined,
      clientTokens: [],
      encryptionKey: undefined,
      trustProxy: false,
      publicURL: undefined,
      refreshIntervalMs: 5000,
      recheckIntervalMs: 60_000,
      drainMs: 10_000,
      logLevel: "off",
      requestLogMaxRecords: 100_000,
      requestLogMaxAgeDays: 7,
      port: 8787,
      host: "127.0.0.1",
      dataDir: "./.keyhive-data",
      storage: undefined,
      redisURL: "redis://127.0.0.1:6379/0",
      baseURLs: {},
    });
  });

  it("reads every variable; empty and blank values mean unset", () => {
    const config = configFromEnv({
      KEYHIVE_ADMIN_PASSWORD: "a-long-enough-password",
      KEYHIVE_CLIENT_TOKENS: " kh-a, kh-b,,",
      KEYHIVE_ENCRYPTION_KEY: "secret-key",
      KEYHIVE_TRUST_PROXY: "1",
      KEYHIVE_PUBLIC_URL: "https://keys.example.com/",
      KEYHIVE_REFRESH_INTERVAL_MS: "300",
      KEYHIVE_RECHECK_INTERVAL_MS: "0",
      KEYHIVE_DRAIN_MS: "500",
      PORT: "0",
      HOST: "",
      KEYHIVE_DATA_DIR: "/var/lib/keyhive",
      KEYHIVE_STORAGE: "memory:",
      REDIS_URL: "  ",
    });
    expect(config).toMatchObject({
      adminPassword: "a-long-enough-password",
      clientTokens: ["kh-a", "kh-b"],
      encryptionKey: "secret-key",
      trustProxy: 1,
      publicURL: "https://keys.example.com",
      refreshIntervalMs: 300,
      recheckIntervalMs: 0,
      drainMs: 500,
      port: 0,
      host: "127.0.0.1",
      dataDir: "/var/lib/keyhive",
      storage: "memory:",
      redisURL: "redis://127.0.0.1:6379/0",
    });
  });
});

describe("configFromEnv: upstream base URLs", () => {
  it("reads <PROVIDER_ID>_BASE_URL for each provider id it is given, and only those", () => {
    const config = configFromEnv(
      {
        ACME_BASE_URL: "http://127.0.0.1:9999/v1",
        MY_RELAY_BASE_URL: "https://relay.example.com",
        OTHER_BASE_URL: "x",
      },
      { providers: ["acme", "my-relay", "unset"] },
    );
    expect(config.baseURLs).toEqual({
      acme: "http://127.0.0.1:9999/v1",
      "my-relay": "https://relay.example.com",
      unset: undefined,
    });
  });
  it("names the variable from the id: upper case, other characters as _", () => {
    expect(baseURLVariableName("openai")).toBe("OPENAI_BASE_URL");
    expect(baseURLVariableName("my-relay.v2")).toBe("MY_RELAY_V2_BASE_URL");
  });
  it("refuses a base URL that is not an absolute http(s) URL", () => {
    expect(refusal({ ACME_BASE_URL: "relay.example.com" }, { providers: ["acme"] }).message).toBe(
      "ACME_BASE_URL must be an absolute http(s) URL such as https://relay.example.com/v1, got 'relay.example.com'.",
    );
  });
});

describe("configFromEnv: one error for every problem", () => {
  it("one problem: the message is its sentence", () => {
    const error = refusal({ KEYHIVE_DRAIN_MS: "soon" });
    expect(error.message).toBe("KEYHIVE_DRAIN_MS must be an integer from 0 to 2147483647, got 'soon'.");
    expect(error.problems).toHaveLength(1);
  });
  it("several: one error lists each bad variable with its reason", () => {
    const error = refusal({
      PORT: "http",
      KEYHIVE_DRAIN_MS: "-1",
      KEYHIVE_TRUST_PROXY: "true",
      KEYHIVE_PUBLIC_URL: "keys.example.com",
      KEYHIVE_CLIENT_TOKENS: "kh-a,kh-a",
      KEYHIVE_ADMIN_PASSWORD: "short",
      KEYHIVE_STORAGE: "mysql://x",
    });
    expect(error.problems).toHaveLength(7);
    expect(error.message.split("\n")[0]).toBe("7 configuration problems:");
    for (const part of [
      "  - PORT must be an integer from 0 to 65535, got 'http'.",
      "  - KEYHIVE_DRAIN_MS must be an integer from 0 to 2147483647, got '-1'.",
      "  - KEYHIVE_TRUST_PROXY=true is refused: it would believe any client's X-Forwarded-For;",
      "  - KEYHIVE_PUBLIC_URL must be an absolute URL such as https://keys.example.com, got 'keys.example.com'.",
      "  - KEYHIVE_CLIENT_TOKENS lists the same value twice (entries 1 and 2).",
      "  - The configured admin password (KEYHIVE_ADMIN_PASSWORD) is 5 characters long: it must be at least 12.",
      "  - Unknown storage 'mysql://x' in KEYHIVE_STORAGE: use fs:<dir>, redis://host:port/db or memory:.",
    ]) {
      expect(error.message).toContain(part);
    }
  });
  it("a required variable that is missing or blank is a problem with its reason", () => {
    const required = { KEYHIVE_ADMIN_PASSWORD: "every instance on the same Redis must share it" };
    for (const env of [{}, { KEYHIVE_ADMIN_PASSWORD: " " }]) {
      expect(refusal(env, { required }).message).toBe(
        "KEYHIVE_ADMIN_PASSWORD is required: every instance on the same Redis must share it.",
      );
    }
    expect(configFromEnv({ KEYHIVE_ADMIN_PASSWORD: "long-enough-password" }, { required }).adminPassword).toBe(
      "long-enough-password",
    );
  });
});

describe("configFromEnv: unknown KEYHIVE_* names", () => {
  it("are errors, with the nearest known name as a hint", () => {
    const error = refusal({ KEYHIVE_ENCRYPTON_KEY: "k", KEYHIVE_DRAIN_MS: "10" });
    expect(error.message).toBe(
      "KEYHIVE_ENCRYPTON_KEY is not a Keyhive variable — did you mean KEYHIVE_ENCRYPTION_KEY? (every variable: docs/configuration.md).",
    );
  });
  it("without a near name, no hint; an empty value is no excuse", () => {
    expect(refusal({ KEYHIVE_SOMETHING_ELSE_ENTIRELY: "" }).message).toBe(
      "KEYHIVE_SOMETHING_ELSE_ENTIRELY is not a Keyhive variable (every variable: docs/configuration.md).",
    );
  });
  it("names read elsewhere (bindings, keyhive-storage, clients) and other prefixes are accepted", () => {
    const env = { KEYHIVE_KV: "x", KEYHIVE_DB: "x", KEYHIVE_NEW_ENCRYPTION_KEY: "x", KEYHIVE_TOKEN: "x", PATH: "/bin" };
    expect(() => configFromEnv(env)).not.toThrow();
  });
});
