/**
 * A faithful mock of an OpenAI-compatible upstream (OpenAI itself, and the relays and vendors
 * that copy its wire format): real paths under `/v1`, real response and error shapes, real SSE
 * framing ending in `data: [DONE]`, and per-key behaviour for failover tests.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, type RequestLog, recordRequest, startMockServer } from "@keyhive/gateway/testing";
import { answerKeyFailure, openAIError, openAINotFound } from "./mock-openai-errors.js";
import { resourcesRoute } from "./mock-openai-resources.js";
import { responsesRoute } from "./mock-openai-responses.js";
import { OPENAI_ROUTES, type OpenAIRouteContext } from "./mock-openai-routes.js";
import type {
  MockKeyBehaviour,
  MockOpenAI,
  MockOpenAIOptions,
  ResourcesState,
  ResponsesState,
} from "./mock-openai-types.js";

export type { RecordedRequest } from "@keyhive/gateway/testing";
export type { MockKeyBehaviour, MockOpenAI, MockOpenAIOptions } from "./mock-openai-types.js";

/** The mock's state, shared by its request handler and the handle it returns. */
interface MockOpenAIState {
  options: MockOpenAIOptions;
  keys: Map<string, MockKeyBehaviour>;
  prefix: string;
  log: RequestLog;
  counters: { aborted: number; openStreams: number };
  /** Stored responses per key (see mock-openai-responses.ts). */
  responses: ResponsesState;
  resources: ResourcesState;
}

export async function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const state: MockOpenAIState = {
    options,
    keys: new Map(Object.entries(options.keys ?? {})),
    prefix: options.prefix ?? "/v1",
    log: { requests: [], requestsByKey: new Map() },
    counters: { aborted: 0, openStreams: 0 },
    responses: new Map(),
    resources: new Map(),
  };
  const server = await startMockServer((req, res, body) => handle(state, req, res, body));
  const { log, counters } = state;
  return {
    ...server,
    baseURL: `${server.url}${state.prefix}`,
    requestsByKey: log.requestsByKey,
    requests: log.requests,
    get aborted() {
      return counters.aborted;
    },
    get openStreams() {
      return counters.openStreams;
    },
    setBehaviour: (key, behaviour) => void state.keys.set(key, behaviour),
    reset() {
      log.requestsByKey.clear();
      log.requests.length = 0;
      counters.aborted = 0;
    },
  };
}

/** Records the request, answers for the key's behaviour, then serves the route. */
async function handle(state: MockOpenAIState, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const url = new URL(req.url ?? "/", "http://mock");
  const key = bearerToken(req);
  recordRequest(state.log, {
    method: req.method ?? "GET",
    path: url.pathname + url.search,
    headers: req.headers,
    body,
    key,
  });
  res.on("close", () => {
    if (!res.writableFinished) state.counters.aborted++;
  });

  if (!url.pathname.startsWith(state.prefix)) return openAINotFound(res, url.pathname);
  const path = url.pathname.slice(state.prefix.length);
  const behaviour = key ? (state.keys.get(key) ?? (state.options.acceptAnyKey ? "ok" : undefined)) : undefined;
  if (answerKeyFailure(res, key, behaviour, state.options.retryAfterSeconds ?? 1)) return;

  const contentType = req.headers["content-type"] ?? "";
  const json = parseBody(req, contentType, body);
  if (json === undefined) {
    return openAIError(res, 400, "We could not parse the JSON body of your request.", "invalid_request_error", null);
  }
  if (req.method === "POST" && json.model === "missing-model") {
    const message = `The model \`${json.model}\` does not exist or you do not have access to it.`;
    return openAIError(res, 404, message, "invalid_request_error", "model_not_found");
  }
  const route =
    OPENAI_ROUTES[`${req.method} ${path}`] ??
    responsesRoute(req.method ?? "GET", path) ??
    resourcesRoute(req.method ?? "GET", path);
  if (!route) return openAINotFound(res, url.pathname);
  const context: OpenAIRouteContext = {
    path,
    json,
    body,
    contentType,
    model: typeof json.model === "string" ? json.model : "gpt-4o-mini",
    behaviour: behaviour as MockKeyBehaviour,
    options: state.options,
    streams: state.counters,
    key: key as string,
    responses: state.responses,
    resources: state.resources,
  };
  return route(res, context);
}

/** The JSON body of a POST (empty object otherwise); undefined when it does not parse. */
function parseBody(req: IncomingMessage, contentType: string, body: Buffer): Record<string, unknown> | undefined {
  if (req.method !== "POST" || !contentType.includes("application/json")) return {};
  try {
    return JSON.parse(body.toString("utf8")) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
