import { testProvider } from "@keyhive/gateway/testing/suites";
import { createSiliconFlow } from "./siliconflow-provider.js";
import { startMockSiliconFlow } from "./testing.js";

const key = (letter: string) => `sk-${letter.repeat(48)}`;
export const KEYS = {
  ok: key("a"),
  zero: key("b"),
  invalid: key("c"),
  broken: key("d"),
  rich: key("e"),
};

testProvider({
  name: "siliconflow",
  provider: (baseURL) => createSiliconFlow({ baseURL }),
  mock: () =>
    startMockSiliconFlow({
      keys: { [KEYS.ok]: "ok", [KEYS.zero]: "zero-balance", [KEYS.broken]: "info-broken", [KEYS.rich]: "ok" },
      balances: { [KEYS.rich]: { balance: "0.88", chargeBalance: "120.50" } },
    }),
  validKeys: [KEYS.ok, "sk-abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv"],
  invalidKeyFormats: [
    "",
    "kh-test-token",
    `kh-${"a".repeat(48)}`,
    `sk-${"A".repeat(48)}`,
    `sk-${"a".repeat(47)}`,
    `sk-${"a".repeat(49)}`,
    `sk-proj-${"a".repeat(40)}`,
    `${KEYS.ok}\n`,
  ],
  workingKey: KEYS.ok,
  requests: [
    {
      name: "Anthropic Messages (declared surface)",
      api: "messages",
      path: "/messages",
      keyHeader: "x-api-key", // as Anthropic clients send it
      json: { model: "Qwen/Qwen3-8B", max_tokens: 16, messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/v1/messages",
    },
    {
      name: "a vendor path (pass-through under /v1/)",
      api: "pass-through",
      method: "GET",
      path: "/v1/audio/voice/list",
      upstreamPath: "/v1/audio/voice/list",
    },
    {
      name: "chat completions",
      path: "/chat/completions",
      json: { model: "Qwen/Qwen3-8B", messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/v1/chat/completions",
    },
    {
      name: "embeddings",
      path: "/embeddings",
      json: { model: "BAAI/bge-m3", input: ["a", "b"] },
      upstreamPath: "/v1/embeddings",
    },
    {
      name: "rerank",
      path: "/rerank",
      json: { model: "BAAI/bge-reranker-v2-m3", query: "q", documents: ["x", "y"] },
      upstreamPath: "/v1/rerank",
    },
    {
      name: "image generation",
      path: "/images/generations",
      json: { model: "Kwai-Kolors/Kolors", prompt: "a cat", image_size: "1024x1024" },
      upstreamPath: "/v1/images/generations",
    },
    {
      name: "the model list (client's other query params kept)",
      path: "/models",
      search: "?type=text",
      upstreamPath: "/v1/models?type=text",
    },
  ],
  stream: {
    name: "chat completions",
    path: "/chat/completions",
    json: { model: "Qwen/Qwen3-8B", stream: true, messages: [{ role: "user", content: "hi" }] },
    upstreamPath: "/v1/chat/completions",
    incremental: true, // the mock paces its events
  },
  fixtures: new URL("./__fixtures__/", import.meta.url),
  failures: {
    "400-max-tokens": { kind: "client_error" },
    "400-model-not-exist": { kind: "client_error" },
    "401-invalid-token": { kind: "key_invalid", message: "Invalid token" },
    "403-insufficient-balance": { kind: "key_exhausted" },
    "403-key-disabled": { kind: "key_invalid" },
    "429-openai-shape": { kind: "rate_limited", scope: "key" },
    "429-tpm-limit": { kind: "rate_limited", retryAfterMs: 2000, scope: "model" },
    "503-overloaded": { kind: "upstream_error" },
    "504-gateway-timeout": { kind: "upstream_error" },
  },
  checks: [
    {
      name: "funded key → valid with totalBalance",
      key: KEYS.ok,
      expect: { status: "valid", balance: 14, balanceDetail: { balance: 10, chargeBalance: 4, totalBalance: 14 } },
    },
    {
      name: "numeric strings are parsed exactly",
      key: KEYS.rich,
      expect: { status: "valid", balance: 121.38, balanceDetail: { balance: 0.88, chargeBalance: 120.5 } },
    },
    { name: "zero balance → exhausted", key: KEYS.zero, expect: { status: "exhausted", balance: 0 } },
    { name: "401 → invalid", key: KEYS.invalid, expect: { status: "invalid" } },
    { name: "5xx → error, not a zero balance", key: KEYS.broken, expect: { status: "error" } },
  ],
  models: { key: KEYS.ok, includes: ["Qwen/Qwen3-8B", "deepseek-ai/DeepSeek-V3"] },
  claims: {
    yes: [
      "Qwen/Qwen3-8B",
      "deepseek-ai/DeepSeek-V3",
      "THUDM/glm-4-9b-chat",
      "BAAI/bge-m3",
      "Pro/deepseek-ai/DeepSeek-R1",
    ],
    no: ["gpt-4o-mini", "gemini-2.0-flash", "models/gemini-2.0-flash", "/leading-slash"],
  },
});
