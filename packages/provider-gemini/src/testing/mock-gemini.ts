/**
 * A faithful mock of the Gemini API (`https://generativelanguage.googleapis.com`): native
 * `/v1beta/models/{model}:generateContent`, `:streamGenerateContent` (SSE with `alt=sse`, a
 * streamed JSON array without), `:countTokens`, `:embedContent`, `:batchEmbedContents`, paged
 * `GET /v1beta/models`, and the OpenAI-compatible surface under `/v1beta/openai/`. Keys arrive
 * by `x-goog-api-key`, `?key=` or (OpenAI surface) `Authorization: Bearer`; errors have Google's
 * `{"error":{code,message,status,details}}` shape (wrapped in an array on the OpenAI surface).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, type RequestLog, recordRequest, sendJson, startMockServer } from "@keyhive/gateway/testing";
import { invalidJson, keyFailure, notFoundError, unregisteredCaller } from "./mock-gemini-errors.js";
import { modelOf, serveNative } from "./mock-gemini-native.js";
import { serveOpenAI } from "./mock-gemini-openai.js";
import type {
  GeminiKeyBehaviour,
  GeminiRecordedRequest,
  GoogleError,
  MockGemini,
  MockGeminiOptions,
} from "./mock-gemini-types.js";

export type {
  GeminiKeyBehaviour,
  GeminiRecordedRequest,
  MockGemini,
  MockGeminiOptions,
} from "./mock-gemini-types.js";

export const MOCK_GEMINI_MODELS = [
  "gemini-2.0-flash",
  "gemini-2.0-flash-lite",
  "gemini-2.5-flash",
  "gemini-2.5-pro",
  "gemma-3-27b-it",
  "text-embedding-004",
  "gemini-embedding-001",
];

/** The mock's state, shared by its request handler and the handle it returns. */
interface MockGeminiState {
  options: MockGeminiOptions;
  keys: Map<string, GeminiKeyBehaviour>;
  models: readonly string[];
  log: RequestLog<GeminiRecordedRequest>;
}

export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const state: MockGeminiState = {
    options,
    keys: new Map(Object.entries(options.keys ?? {})),
    models: options.models ?? MOCK_GEMINI_MODELS,
    log: { requests: [], requestsByKey: new Map() },
  };
  const server = await startMockServer((req, res, body) => handle(state, req, res, body));
  return {
    ...server,
    baseURL: server.url,
    requestsByKey: state.log.requestsByKey,
    requests: state.log.requests,
    setBehaviour: (key, behaviour) => void state.keys.set(key, behaviour),
    reset() {
      state.log.requestsByKey.clear();
      state.log.requests.length = 0;
    },
  };
}

/** Records the request, checks its key, parses its body, then serves the native or OpenAI surface. */
async function handle(state: MockGeminiState, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const url = new URL(req.url ?? "/", "http://mock");
  const method = req.method ?? "GET";
  const { key, keySource } = keyOf(req, url);
  recordRequest(state.log, { method, path: url.pathname + url.search, headers: req.headers, body, key, keySource });

  const openai = url.pathname.startsWith("/v1beta/openai/");
  // Google's OpenAI-compatible surface wraps its errors in a one-element array.
  const fail = (error: GoogleError) => sendJson(res, error.code, openai ? [{ error }] : { error });

  if (!url.pathname.startsWith("/v1beta/")) return fail(notFoundError(url.pathname));
  if (!key) return fail(unregisteredCaller());
  const isCall = method === "POST";
  const failure = keyFailure(key, state.keys.get(key) ?? "invalid", {
    isCall,
    model: () => modelOf(url.pathname, body),
    retryDelaySeconds: state.options.retryDelaySeconds ?? 37,
  });
  if (failure) return fail(failure);

  let json: Record<string, unknown> = {};
  if (isCall) {
    try {
      json = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
    } catch {
      return fail(invalidJson());
    }
  }
  const { models, options } = state;
  if (openai) {
    const path = url.pathname.slice("/v1beta/openai".length);
    return serveOpenAI(res, { method, path, json, models, chunkDelayMs: options.chunkDelayMs ?? 10 });
  }
  return serveNative(res, { url, method, json, models, options, fail });
}

/** The key and where it came from: `x-goog-api-key`, then `?key=`, then a bearer token. */
function keyOf(req: IncomingMessage, url: URL): Pick<GeminiRecordedRequest, "key" | "keySource"> {
  const bearer = bearerToken(req);
  const header = req.headers["x-goog-api-key"];
  const fromHeader = typeof header === "string" ? header : undefined;
  const fromQuery = url.searchParams.get("key") ?? undefined;
  const key = fromHeader ?? fromQuery ?? bearer;
  const keySource = fromHeader ? "header" : fromQuery ? "query" : bearer ? "bearer" : undefined;
  return { key, keySource };
}
