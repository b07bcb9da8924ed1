/**
 * `@keyhive/gateway/testing`: faithful upstream mocks and shared conformance suites for adapter
 * and storage authors. Node only (the mocks are real HTTP servers); never imported by the core.
 */

export {
  type AdversarialUpstream,
  type AdversarialUpstreamOptions,
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
  chaosWords,
  type OpenAIChaosRouteOptions,
  type OpenAIUsage,
  openAIChaosRoute,
  startAdversarialUpstream,
  type WireAnswer,
  type WireEncoding,
  type WireFraming,
  type WireRateLimitOptions,
  type WireRequest,
  type WireRoute,
  type WireSseOptions,
  wire,
} from "./testing/adversarial-upstream.js";
export {
  type GeminiKeyBehaviour,
  type GeminiRecordedRequest,
  MOCK_GEMINI_MODELS,
  type MockGemini,
  type MockGeminiOptions,
  startMockGemini,
} from "./testing/mock-gemini.js";
export {
  type MockKeyBehaviour,
  type MockOpenAI,
  type MockOpenAIOptions,
  type RecordedRequest,
  startMockOpenAI,
} from "./testing/mock-openai.js";
export { type MockHandler, type MockServer, sendJson, sleep, startMockServer } from "./testing/mock-server.js";
export {
  MOCK_SILICONFLOW_FREE_MODELS,
  type MockSiliconFlow,
  type MockSiliconFlowOptions,
  type SiliconFlowKeyBehaviour,
  startMockSiliconFlow,
} from "./testing/mock-siliconflow.js";
export {
  clientRequest,
  loadRecordedFailures,
  type ProviderCaseOptions,
  type ProviderCaseRequest,
  type ProviderMock,
  type RecordedFailure,
  testProvider,
} from "./testing/provider-case.js";
export { parseSse, readSse, readSseData, type SseEvent } from "./testing/read-sse.js";
export { type RedisServer, startRedis } from "./testing/redis-server.js";
export {
  listAll,
  makeKeys,
  type StorageCaseCapabilities,
  type StorageCaseContext,
  type StorageCaseOptions,
  testStorage,
} from "./testing/storage-case.js";
