/**
 * `@keyhive/gateway/testing`: what adapter and storage authors share, whatever the vendor — a
 * mock-upstream builder, the adversarial upstream and its raw client, an SSE reader, a real
 * `redis-server`, and the kit's inputs. It never imports vitest, so mocks run in any program
 * (`node -e`, a dev server); the conformance suites, which need vitest, are
 * `@keyhive/gateway/testing/suites`.
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
export { clientRequest, loadRecordedFailures } from "./testing/provider-case-requests.js";
export type {
  ProviderCaseOptions,
  ProviderCaseRequest,
  ProviderMock,
  RecordedFailure,
} from "./testing/provider-case-types.js";
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
} from "./testing/storage-case-support.js";
