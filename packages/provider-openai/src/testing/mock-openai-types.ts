/** The options and handle of `startMockOpenAI`. */
import type { MockServer, RecordedRequest } from "@keyhive/gateway/testing";

/** How the mock treats a given key. */
export type MockKeyBehaviour =
  | "ok"
  /** 401 `invalid_api_key`. */
  | "invalid"
  /** 429 `rate_limit_exceeded` with `retry-after`. */
  | "rate-limited"
  /** 429 `insufficient_quota`. */
  | "no-quota"
  /** 500 `server_error`. */
  | "server-error"
  /** Succeeds, but waits `slowMs` between stream chunks (and before a JSON answer). */
  | "slow"
  /** Streams a few chunks, then destroys the socket mid-answer. */
  | "cut-mid-stream";

export interface MockOpenAIOptions {
  /** Behaviour per key; keys not listed get 401. */
  keys?: Record<string, MockKeyBehaviour>;
  /** Accept any key not listed as `ok` (for load tests). @default false */
  acceptAnyKey?: boolean;
  /** Delay between chunks of `slow` keys. @default 200 */
  slowMs?: number;
  /** `retry-after` seconds of `rate-limited` keys. @default 1 */
  retryAfterSeconds?: number;
  /** Models listed by `GET /v1/models`. */
  models?: string[];
  /** Path prefix of the API root. @default "/v1" */
  prefix?: string;
  /** Words streamed by chat completions (and answered by responses). @default 5 */
  streamWords?: number;
  /** Write every Responses SSE event in two pieces, split inside its `data:` line. @default false */
  splitEvents?: boolean;
}

export interface MockOpenAI extends MockServer {
  /** Base URL including the prefix, e.g. `http://127.0.0.1:1234/v1`. */
  baseURL: string;
  /** Requests per key (by the bearer token received). */
  requestsByKey: Map<string, number>;
  requests: RecordedRequest[];
  /** Number of requests whose client disconnected before the answer finished. */
  aborted: number;
  /** Streamed answers started and not yet finished (proves a client got a chunk mid-stream). */
  openStreams: number;
  setBehaviour(key: string, behaviour: MockKeyBehaviour): void;
  reset(): void;
}

/** A response the mock stored, and the input it was created from. */
export interface StoredResponse {
  response: Record<string, unknown>;
  input: Record<string, unknown>[];
}

/** Stored responses per key: state belongs to the key that created it, as upstream to a project. */
export type ResponsesState = Map<string, Map<string, StoredResponse>>;

/** Stored files, batches, uploads and vector stores per key (see mock-openai-resources.ts). */
export type ResourcesState = Map<string, Map<string, Record<string, unknown>>>;
