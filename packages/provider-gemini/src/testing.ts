/**
 * `@keyhive/provider-gemini/testing`: an offline, faithful mock of the Gemini API
 * (`startMockGemini`) — the native surface, the OpenAI-compatible one, paging, quotas and
 * Google's error shapes. Node only (a real HTTP server); needs `@keyhive/gateway` (a peer
 * dependency).
 */

export {
  type GeminiKeyBehaviour,
  type GeminiRecordedRequest,
  MOCK_GEMINI_MODELS,
  type MockGemini,
  type MockGeminiOptions,
  startMockGemini,
} from "./testing/mock-gemini.js";
