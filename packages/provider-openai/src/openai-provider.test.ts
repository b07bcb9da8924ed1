import { testProvider } from "@keyhive/gateway/testing/suites";
import { createOpenAI } from "./openai-provider.js";
import { startMockOpenAI } from "./testing.js";

const OK = "sk-proj-ok000000000000000000000000";
const DEAD = "sk-dead0000000000000000000000000000";
const BROKE = "sk-broke000000000000000000000000000";
const DOWN = "sk-down0000000000000000000000000000";

testProvider({
  name: "openai",
  provider: (baseURL) => createOpenAI({ baseURL }),
  // "slow" with a short delay: chunks leave the mock one by one, like a real token stream.
  mock: () => startMockOpenAI({ keys: { [OK]: "slow", [BROKE]: "no-quota", [DOWN]: "server-error" }, slowMs: 10 }),
  validKeys: [OK, "sk-abc123def456ghi789", "relay-token-123456"],
  invalidKeyFormats: ["", "short", "has space in it", `sk-${"a".repeat(300)}`, "<script>alert(1)</script>"],
  workingKey: OK,
  requests: [
    {
      name: "Responses API (declared surface)",
      api: "responses",
      path: "/responses",
      json: { model: "gpt-4o-mini", input: "hi" },
      upstreamPath: "/v1/responses",
    },
    {
      name: "a path no gateway route knows (pass-through under /v1/)",
      api: "pass-through",
      method: "GET",
      path: "/v1/files",
      upstreamPath: "/v1/files",
    },
    {
      name: "chat completions",
      path: "/chat/completions",
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/v1/chat/completions",
    },
    {
      name: "embeddings",
      path: "/embeddings",
      json: { model: "text-embedding-3-small", input: "hi" },
      upstreamPath: "/v1/embeddings",
    },
    { name: "the model list", path: "/models", upstreamPath: "/v1/models" },
  ],
  stream: {
    name: "chat completions",
    path: "/chat/completions",
    json: { model: "gpt-4o-mini", stream: true, messages: [{ role: "user", content: "hi" }] },
    upstreamPath: "/v1/chat/completions",
    incremental: true, // the mock paces its events
  },
  fixtures: new URL("./__fixtures__/", import.meta.url),
  failures: {
    "400-context-length": { kind: "client_error" },
    "401-invalid-api-key": { kind: "key_invalid" },
    "403-unsupported-region": { kind: "client_error" },
    "404-model-not-found": { kind: "client_error" },
    "429-insufficient-quota": { kind: "key_exhausted" },
    "429-rate-limit-retry-after": { kind: "rate_limited", retryAfterMs: 20_000 },
    "429-rate-limit-reset-headers": { kind: "rate_limited", retryAfterMs: 360_000 },
    "500-server-error": { kind: "upstream_error" },
    "502-relay-html": { kind: "upstream_error" },
    "503-overloaded": { kind: "upstream_error" },
  },
  checks: [
    { name: "GET /models 200 → valid", key: OK, expect: { status: "valid" } },
    { name: "401 → invalid", key: DEAD, expect: { status: "invalid" } },
    { name: "insufficient_quota → exhausted", key: BROKE, expect: { status: "exhausted" } },
    { name: "500 → error", key: DOWN, expect: { status: "error" } },
  ],
  models: { key: OK, includes: ["gpt-4o-mini", "text-embedding-3-small"] },
  claims: {
    yes: ["gpt-4o-mini", "o3-mini", "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"],
    // Gemini's embedding model: OpenAI coming first must not take it.
    no: ["gemini-2.0-flash", "Qwen/Qwen3-8B", "text-embedding-004", "imagen-3.0-generate-002"],
  },
});
