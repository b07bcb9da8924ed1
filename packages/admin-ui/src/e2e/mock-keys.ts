/** The keys the keys-page tests paste and page through, and how the mock upstream answers each. */
export const OK = ["sk-ok-key-000001", "sk-ok-key-000002", "sk-ok-key-000003", "sk-ok-key-000004", "sk-ok-key-000005"];
export const BAD = ["sk-bad-key-00001", "sk-bad-key-00002", "sk-bad-key-00003"];
export const SLOW = Array.from({ length: 30 }, (_, i) => `sk-slow-key-${String(i).padStart(4, "0")}`);

/** Mock OpenAI options: OK keys are valid, BAD ones invalid, SLOW ones valid after 300 ms (so a check can be stopped). */
export const MOCK_KEYS = {
  keys: {
    ...Object.fromEntries(OK.map((k) => [k, "ok" as const])),
    ...Object.fromEntries(BAD.map((k) => [k, "invalid" as const])),
    ...Object.fromEntries(SLOW.map((k) => [k, "slow" as const])),
  },
  slowMs: 300,
};
