/**
 * Deployment settings an admin can change at run time (validated by zod, applied without a
 * restart, shared by every instance through storage). Each field is stored as its own record,
 * so two admins editing different fields on different instances never overwrite each other.
 */
import * as z from "zod/mini";
import en from "zod/v4/locales/en.js";

// zod/mini ships without messages; load the English ones (the classic API's defaults).
z.config(en());

const int = (min: number, max?: number) =>
  max === undefined
    ? z.number().check(z.int(), z.minimum(min))
    : z.number().check(z.int(), z.minimum(min), z.maximum(max));

export const settingsSchema = z.object({
  /** Who sees the public key page: everyone, guests with the guest password, or nobody. */
  accessMode: z.enum(["open", "restricted", "private"]),
  /** PBKDF2 hash of the guest password (set through the admin API, never returned). */
  guestPasswordHash: z.optional(z.string()),
  /** Rows per page on the public page. */
  pageSize: int(5, 500),
  /**
   * The seed's sharing mode: whoever may see the public page may also copy the full secret of
   * every valid key (`GET /public/api/keys/shared`). Off by default; with `accessMode: "open"`
   * that is anyone who finds the URL.
   */
  publicKeySharing: z.boolean(),
  /** Free models per provider id; exhausted keys may serve them. Overrides the provider default. */
  freeModels: z.record(z.string(), z.array(z.string().check(z.minLength(1))).check(z.maxLength(1000))),
  strategy: z.enum(["random", "round-robin", "weighted", "weighted-balance", "least-recently-used"]),
  /** Failover attempts after the first; 0 disables failover. */
  retries: int(0, 10),
  /** Overall time budget (ms) to get response headers across attempts. */
  deadlineMs: int(1000, 600_000),
  /**
   * Time (ms) one attempt may wait for response headers before the next key is tried, so one
   * stalled upstream cannot spend the whole deadline; 0 leaves only the deadline.
   */
  attemptTimeoutMs: int(0, 600_000),
  /** When every key cools, wait for the soonest if it is at most this far away (ms). */
  maxCooldownWaitMs: int(0, 60_000),
  cooldownBaseMs: int(100, 3_600_000),
  cooldownMaxMs: int(1000, 86_400_000),
  /** A balance at or below this marks a key exhausted. */
  balanceThreshold: z.number().check(z.minimum(0)),
  /** Re-check schedule (ms) per status. */
  recheckInvalidMs: int(60_000),
  recheckExhaustedMs: int(60_000),
  recheckActiveMs: int(60_000),
  /**
   * Provider for bare `/v1/...` requests whose model no provider claims. `null` (or absent): none,
   * such a request answers 404 `model_not_found`; set to `null` to clear a configured default.
   */
  defaultProvider: z.optional(z.nullable(z.string())),
  /** Forward a client's own upstream key (matching a provider's key format) without pooling. */
  clientKeyPassThrough: z.boolean(),
  /** Days of history kept. */
  historyRetentionDays: int(1, 3650),
  /**
   * Request log body samples (off while both lists are empty): the first `maxBytes` of each body
   * of requests by these token ids or for these models, secrets masked.
   */
  bodySampling: z.strictObject({
    tokens: z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(100)),
    models: z.array(z.string().check(z.minLength(1), z.maxLength(256))).check(z.maxLength(100)),
    maxBytes: int(64, 65_536),
  }),
});

/** Every setting optional: a partial update. */
export const settingsPatchSchema = z.partial(settingsSchema);

export type GatewaySettings = z.infer<typeof settingsSchema>;

export const defaultSettings: GatewaySettings = {
  accessMode: "private",
  pageSize: 50,
  publicKeySharing: false,
  freeModels: {},
  strategy: "random",
  retries: 3,
  deadlineMs: 60_000,
  attemptTimeoutMs: 0,
  maxCooldownWaitMs: 0,
  cooldownBaseMs: 1_000,
  cooldownMaxMs: 300_000,
  balanceThreshold: 0,
  recheckInvalidMs: 3_600_000,
  recheckExhaustedMs: 21_600_000,
  recheckActiveMs: 43_200_000,
  clientKeyPassThrough: false,
  historyRetentionDays: 90,
  bodySampling: { tokens: [], models: [], maxBytes: 4096 },
};

/** Storage record name of a setting. */
export const settingName = (field: string) => `setting.${field}`;

/** Parses an environment boolean strictly: "false", "0", "no", "off" and "" are false. */
export function parseBoolean(value: string | undefined, fallback = false): boolean {
  if (value === undefined) return fallback;
  const v = value.trim().toLowerCase();
  if (["1", "true", "yes", "on"].includes(v)) return true;
  if (["0", "false", "no", "off", ""].includes(v)) return false;
  throw new Error(`Expected a boolean (true/false), got '${value}'.`);
}
