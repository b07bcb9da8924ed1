/**
 * `@keyhive/gateway/testing`: what adapter and storage authors share, whatever the vendor — the
 * conformance suites, a mock-upstream builder, the adversarial upstream and its raw client, an
 * SSE reader.
 * Each vendor's mock lives with its adapter (`@keyhive/provider-openai/testing`, ...). Node only
 * (the servers are real sockets); never imported by the core.
 */

export {
  type AdversarialUpstream,
  type AdversarialUpstreamOptions,
  noRoute,
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
  bearerToken,
  type MockHandler,
  type MockServer,
  type RecordedRequest,
  type RequestLog,
  recordRequest,
  sendJson,
  sleep,
  startMockServer,
} from "./testing/mock-server.js";
export {
  clientRequest,
  loadRecordedFailures,
  type ProviderCaseOptions,
  type ProviderCaseRequest,
  type ProviderMock,
  type RecordedFailure,
  testProvider,
} from "./testing/provider-case.js";
export {
  openRawSocket,
  parseRawResponse,
  type RawResponse,
  type RawResult,
  rawExchange,
  rawGet,
  rawGetRequest,
  waitFor,
} from "./testing/raw-client.js";
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
