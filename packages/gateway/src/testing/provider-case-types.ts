/** The options and shapes of the provider conformance kit (`testProvider`). */
import type { ApiKind, FailureClass, KeyCheckResult, Provider } from "../spec/provider.js";

/** What the kit needs of a mock: where it listens, how to stop it, and (ideally) what it received. */
export interface ProviderMock {
  baseURL: string;
  close(): Promise<void>;
  /** Requests received, oldest first; only `path` (pathname + search) is read. */
  requests?: readonly { path: string }[];
}

/** A client request the kit rewrites and sends to the mock. */
export interface ProviderCaseRequest {
  name: string;
  /** @default "openai" */
  api?: ApiKind;
  /** @default "POST" when `json` or `body` is given, else "GET" */
  method?: string;
  /** See `ProviderRequest.path`. */
  path: string;
  /** The client's query string (`?alt=sse`), without credentials: the kit adds a `key=` to check it goes. */
  search?: string;
  /** A JSON body; sent with `content-type: application/json`. */
  json?: unknown;
  /** A raw body (e.g. multipart) with its `headers`. */
  body?: ArrayBuffer;
  headers?: Record<string, string>;
  model?: string;
  stream?: boolean;
  /** Path and query the mock must receive, e.g. `/v1/chat/completions`. */
  upstreamPath: string;
  /** Header that must carry the pool key. @default the suite's `keyHeader` */
  keyHeader?: string;
}

/** A recorded upstream failure, as stored in `__fixtures__/<name>.json`. */
export interface RecordedFailure {
  status: number;
  headers?: Record<string, string>;
  /** The body as recorded: a string, or JSON (stringified before classification). */
  body: unknown;
  model?: string;
}

export interface ProviderCaseOptions<M extends ProviderMock = ProviderMock> {
  name: string;
  provider: (baseURL: string) => Provider;
  mock: () => Promise<M>;
  /** Keys whose format must be accepted. */
  validKeys: readonly string[];
  /** Strings that must be rejected, each with a reason. */
  invalidKeyFormats: readonly string[];
  /** A key the mock serves. */
  workingKey: string;
  /** Where the pool key goes upstream. @default "authorization" (as `Bearer <key>`) */
  keyHeader?: string;
  /** Requests that must reach the right path on the mock, with the key in a header. */
  requests: readonly ProviderCaseRequest[];
  /**
   * A streamed request: it must come back as SSE with at least `minEvents` (default 3) `data:`
   * events. With `incremental: true` the events must also arrive over more than one read — set it
   * when the mock paces its events (startMockOpenAI's `"slow"` key with `slowMs`); a mock that
   * writes the whole stream at once (its `"ok"` key) arrives in one read however the adapter is.
   */
  stream: ProviderCaseRequest & { minEvents?: number; incremental?: boolean };
  /** Directory of recorded failures (`<name>.json`); every file must appear in `failures`. */
  fixtures?: URL | string;
  /** Expected class per fixture name. */
  failures?: Record<string, Partial<FailureClass> & { kind: FailureClass["kind"] }>;
  /** Key checks against the mock; a provider with `hasBalance` must parse a balance in one. */
  checks?: readonly {
    name: string;
    key: string;
    expect: Partial<KeyCheckResult> & { status: KeyCheckResult["status"] };
  }[];
  /** `listModels` must include these ids. */
  models?: { key?: string; includes: readonly string[] };
  /** `claimsModel` expectations. */
  claims?: { yes?: readonly string[]; no?: readonly string[] };
}
