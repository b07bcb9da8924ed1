import { testProvider } from "@keyhive/gateway/testing/suites";
import { startMockDeepSeek } from "./deepseek-mock.js";
import { createDeepSeek } from "./deepseek-provider.js";

const OK = `sk-${"a1".repeat(16)}`;
const BROKE = `sk-${"b2".repeat(16)}`;
const BUSY = `sk-${"c3".repeat(16)}`;
const DEAD = `sk-${"d4".repeat(16)}`;

testProvider({
  name: "deepseek",
  provider: (baseURL) => createDeepSeek({ baseURL }),
  mock: () => startMockDeepSeek({ [OK]: "ok", [BROKE]: "broke", [BUSY]: "busy" }),
  validKeys: [OK, "sk-0123456789abcdef0123456789abcdef"],
  invalidKeyFormats: ["", "kh-test-token", `sk-${"A".repeat(32)}`, `sk-${"a".repeat(48)}`],
  workingKey: OK,
  requests: [
    {
      name: "chat completions",
      path: "/chat/completions",
      json: { model: "deepseek-chat", messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/chat/completions",
    },
    { name: "the model list", path: "/models", upstreamPath: "/models" },
  ],
  stream: {
    name: "chat completions",
    path: "/chat/completions",
    json: { model: "deepseek-chat", stream: true, messages: [{ role: "user", content: "hi" }] },
    upstreamPath: "/chat/completions",
    minEvents: 8,
    incremental: true, // the mock paces its events (10 ms apart)
  },
  fixtures: new URL("./__fixtures__/", import.meta.url),
  failures: {
    "401-authentication-fails": { kind: "key_invalid" },
    "402-insufficient-balance": { kind: "key_exhausted" },
    "422-invalid-parameters": { kind: "client_error" },
    "429-rate-limit": { kind: "rate_limited", retryAfterMs: 5000 },
    "503-server-busy": { kind: "upstream_error" },
  },
  checks: [
    {
      name: "funded key → valid with its balance",
      key: OK,
      expect: {
        status: "valid",
        balance: 110,
        balanceDetail: { total_balance: 110, granted_balance: 10, topped_up_balance: 100 },
      },
    },
    { name: "is_available:false → exhausted", key: BROKE, expect: { status: "exhausted", balance: 0 } },
    { name: "401 → invalid", key: DEAD, expect: { status: "invalid" } },
  ],
  models: { key: OK, includes: ["deepseek-chat", "deepseek-reasoner"] },
  claims: { yes: ["deepseek-chat", "deepseek-reasoner"], no: ["deepseek-ai/DeepSeek-V3", "gpt-4o"] },
});
