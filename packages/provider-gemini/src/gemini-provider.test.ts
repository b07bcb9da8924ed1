import { testProvider } from "@keyhive/gateway/testing/suites";
import { expect } from "vitest";
import { createGemini } from "./gemini-provider.js";
import { GEMINI_KEYS as K } from "./gemini-test-keys.js";
import { startMockGemini } from "./testing.js";

const GENERATE = { contents: [{ role: "user", parts: [{ text: "hi" }] }] };

testProvider({
  name: "gemini",
  provider: (baseURL) => createGemini({ baseURL }),
  mock: () =>
    startMockGemini({
      keys: { [K.ok]: "ok", [K.denied]: "permission-denied", [K.minute]: "minute-quota" },
    }),
  validKeys: [K.ok, "AIzaSyA-b_c0123456789012345678901234567", "AQ.Ab8RN6LkVwQx9-3_zPq7YtR2"],
  invalidKeyFormats: [
    "",
    "kh-test-token",
    `kh-${"a".repeat(36)}`,
    K.ok.slice(0, -1),
    `${K.ok}x`,
    `sk-${"a".repeat(48)}`,
    "AQ.short",
    `AIzaSy${" ".repeat(33)}`,
  ],
  workingKey: K.ok,
  keyHeader: "x-goog-api-key",
  requests: [
    {
      name: "native generateContent",
      api: "native",
      path: "/v1beta/models/gemini-2.0-flash:generateContent",
      json: GENERATE,
      upstreamPath: "/v1beta/models/gemini-2.0-flash:generateContent",
    },
    {
      name: "native countTokens",
      api: "native",
      path: "/v1beta/models/gemini-2.0-flash:countTokens",
      json: GENERATE,
      upstreamPath: "/v1beta/models/gemini-2.0-flash:countTokens",
    },
    {
      name: "native embedContent",
      api: "native",
      path: "/v1beta/models/text-embedding-004:embedContent",
      json: { content: { parts: [{ text: "hi" }] } },
      upstreamPath: "/v1beta/models/text-embedding-004:embedContent",
    },
    {
      name: "native batchEmbedContents",
      api: "native",
      path: "/v1beta/models/text-embedding-004:batchEmbedContents",
      json: { requests: [{ model: "models/text-embedding-004", content: { parts: [{ text: "hi" }] } }] },
      upstreamPath: "/v1beta/models/text-embedding-004:batchEmbedContents",
    },
    {
      name: "native model list (pageSize kept, key= dropped)",
      api: "native",
      path: "/v1beta/models",
      search: "?pageSize=2",
      upstreamPath: "/v1beta/models?pageSize=2",
    },
    {
      name: "a vendor path (pass-through under /v1beta/)",
      api: "pass-through",
      method: "GET",
      path: "/v1beta/models/gemini-2.0-flash",
      upstreamPath: "/v1beta/models/gemini-2.0-flash",
    },
    {
      name: "native model get",
      api: "native",
      path: "/v1beta/models/gemini-2.5-pro",
      upstreamPath: "/v1beta/models/gemini-2.5-pro",
    },
    {
      name: "OpenAI-compatible chat completions",
      path: "/chat/completions",
      json: { model: "gemini-2.0-flash", messages: [{ role: "user", content: "hi" }] },
      upstreamPath: "/v1beta/openai/chat/completions",
      keyHeader: "authorization",
    },
    {
      name: "OpenAI-compatible embeddings",
      path: "/embeddings",
      json: { model: "text-embedding-004", input: ["a"] },
      upstreamPath: "/v1beta/openai/embeddings",
      keyHeader: "authorization",
    },
    {
      name: "OpenAI-compatible models",
      path: "/models",
      upstreamPath: "/v1beta/openai/models",
      keyHeader: "authorization",
    },
  ],
  stream: {
    name: "native streamGenerateContent with alt=sse",
    api: "native",
    path: "/v1beta/models/gemini-2.0-flash:streamGenerateContent",
    search: "?alt=sse",
    json: GENERATE,
    stream: true,
    upstreamPath: "/v1beta/models/gemini-2.0-flash:streamGenerateContent?alt=sse",
    minEvents: 6,
    incremental: true, // the mock paces its events
  },
  fixtures: new URL("./__fixtures__/", import.meta.url),
  failures: {
    "400-api-key-invalid": { kind: "key_invalid" },
    "400-api-key-invalid-openai-surface": { kind: "key_invalid" },
    "400-api-key-expired": { kind: "key_invalid" },
    "400-invalid-argument": { kind: "client_error" },
    "400-location-not-supported": { kind: "client_error" },
    "403-permission-denied": { kind: "key_invalid" },
    "404-model-not-found": { kind: "client_error" },
    "429-no-details": { kind: "rate_limited", scope: "model" },
    "429-per-day": { kind: "rate_limited", scope: "model", window: "day", retryAfterMs: expect.any(Number) },
    "429-per-minute": { kind: "rate_limited", scope: "model", window: "minute", retryAfterMs: 37_000 },
    "500-internal": { kind: "upstream_error" },
    "503-overloaded": { kind: "upstream_error" },
  },
  checks: [
    { name: "a working key is valid", key: K.ok, expect: { status: "valid" } },
    {
      name: "400 API_KEY_INVALID → invalid",
      key: K.invalid,
      expect: { status: "invalid", message: "API key not valid. Please pass a valid API key." },
    },
    { name: "403 PERMISSION_DENIED → invalid", key: K.denied, expect: { status: "invalid" } },
    { name: "a generation quota does not fail the listing check", key: K.minute, expect: { status: "valid" } },
  ],
  models: { key: K.ok, includes: ["gemini-2.0-flash", "gemini-2.5-pro", "gemini-embedding-001"] },
  claims: {
    yes: [
      "gemini-2.0-flash",
      "gemini-2.5-pro",
      "gemma-3-27b-it",
      "models/gemini-2.0-flash",
      "text-embedding-004",
      "models/text-embedding-004",
      "gemini-embedding-001",
      "embedding-001",
      "imagen-3.0-generate-002",
      "imagen-4.0-generate-001",
      "veo-2.0-generate-001",
      "models/veo-3.0-generate-preview",
    ],
    no: ["gpt-4o", "Qwen/Qwen3-8B", "deepseek-chat", "claude-3-5-sonnet", "text-embedding-3-small"],
  },
});
