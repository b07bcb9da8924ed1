/**
 * A faithful mock of the Gemini API (`https://generativelanguage.googleapis.com`): native
 * `/v1beta/models/{model}:generateContent`, `:streamGenerateContent` (SSE with `alt=sse`, a
 * streamed JSON array without), `:countTokens`, `:embedContent`, `:batchEmbedContents`, paged
 * `GET /v1beta/models`, and the OpenAI-compatible surface under `/v1beta/openai/`. Keys arrive
 * by `x-goog-api-key`, `?key=` or (OpenAI surface) `Authorization: Bearer`; errors have Google's
 * `{"error":{code,message,status,details}}` shape (wrapped in an array on the OpenAI surface).
 */
import type { ServerResponse } from "node:http";
import type { RecordedRequest } from "./mock-openai.js";
import { type MockServer, sendJson, sleep, startMockServer } from "./mock-server.js";

/** How the mock treats a key. */
export type GeminiKeyBehaviour =
  | "ok"
  /** 400 INVALID_ARGUMENT with reason `API_KEY_INVALID` (also what unknown keys get). */
  | "invalid"
  /** 403 PERMISSION_DENIED (suspended consumer). */
  | "permission-denied"
  /** 429 RESOURCE_EXHAUSTED on a per-minute quota, RetryInfo `retryDelay`. */
  | "minute-quota"
  /** 429 RESOURCE_EXHAUSTED on a per-day quota. */
  | "day-quota"
  /** 500 INTERNAL on model calls. */
  | "server-error"
  /** 503 UNAVAILABLE "The model is overloaded" on model calls. */
  | "overloaded";

export interface MockGeminiOptions {
  /** Behaviour per key; keys not listed get 400 API_KEY_INVALID. */
  keys?: Record<string, GeminiKeyBehaviour>;
  /** Model ids (without `models/`) the mock serves. */
  models?: string[];
  /** Page size of `GET /v1beta/models` when the client gives none (real: 50). @default 3 */
  pageSize?: number;
  /** Largest page served whatever the client asks (real: 1000); small so clients must page. @default 3 */
  maxPageSize?: number;
  /** Delay between stream chunks. @default 10 */
  chunkDelayMs?: number;
  /** Seconds in RetryInfo of quota errors. @default 37 */
  retryDelaySeconds?: number;
}

export interface GeminiRecordedRequest extends RecordedRequest {
  /** Where the key came from. */
  keySource?: "header" | "query" | "bearer";
}

export interface MockGemini extends MockServer {
  /** `http://127.0.0.1:<port>` (the API root has no version; paths carry `/v1beta`). */
  baseURL: string;
  requestsByKey: Map<string, number>;
  requests: GeminiRecordedRequest[];
  setBehaviour(key: string, behaviour: GeminiKeyBehaviour): void;
  reset(): void;
}

export const MOCK_GEMINI_MODELS = [
  "gemini-2.0-flash",
  "gemini-2.0-flash-lite",
  "gemini-2.5-flash",
  "gemini-2.5-pro",
  "gemma-3-27b-it",
  "text-embedding-004",
  "gemini-embedding-001",
];

const WORDS = ["Hello", " from", " the", " Gemini", " mock", "."];

type GoogleError = { code: number; message: string; status: string; details?: unknown[] };

export async function startMockGemini(options: MockGeminiOptions = {}): Promise<MockGemini> {
  const keys = new Map(Object.entries(options.keys ?? {}));
  const models = options.models ?? MOCK_GEMINI_MODELS;
  const chunkDelayMs = options.chunkDelayMs ?? 10;
  const retryDelay = options.retryDelaySeconds ?? 37;
  const requestsByKey = new Map<string, number>();
  const requests: GeminiRecordedRequest[] = [];

  const server = await startMockServer(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    const header = req.headers["x-goog-api-key"];
    const fromHeader = typeof header === "string" ? header : undefined;
    const fromQuery = url.searchParams.get("key") ?? undefined;
    const key = fromHeader ?? fromQuery ?? bearer;
    const keySource = fromHeader ? "header" : fromQuery ? "query" : bearer ? "bearer" : undefined;
    requests.push({
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers: req.headers,
      body,
      key,
      keySource,
    });
    if (key) requestsByKey.set(key, (requestsByKey.get(key) ?? 0) + 1);

    const openai = url.pathname.startsWith("/v1beta/openai/");
    // Google's OpenAI-compatible surface wraps its errors in a one-element array.
    const fail = (error: GoogleError) => sendJson(res, error.code, openai ? [{ error }] : { error });

    if (!url.pathname.startsWith("/v1beta/")) return fail(notFoundError(url.pathname));
    if (!key) {
      return fail({
        code: 403,
        message:
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        status: "PERMISSION_DENIED",
      });
    }
    const behaviour = keys.get(key) ?? "invalid";
    if (behaviour === "invalid") return fail(apiKeyInvalid());
    if (behaviour === "permission-denied") return fail(permissionDenied(key));

    const isCall = req.method === "POST";
    if (isCall && (behaviour === "minute-quota" || behaviour === "day-quota")) {
      return fail(quotaExceeded(behaviour === "day-quota" ? "day" : "minute", modelOf(url.pathname, body), retryDelay));
    }
    if (isCall && behaviour === "server-error") {
      return fail({
        code: 500,
        message:
          "An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting",
        status: "INTERNAL",
      });
    }
    if (isCall && behaviour === "overloaded") {
      return fail({ code: 503, message: "The model is overloaded. Please try again later.", status: "UNAVAILABLE" });
    }

    let json: Record<string, unknown> = {};
    if (isCall) {
      try {
        json = JSON.parse(body.toString("utf8") || "{}") as Record<string, unknown>;
      } catch {
        return fail({
          code: 400,
          message: `Invalid JSON payload received. Unexpected token.`,
          status: "INVALID_ARGUMENT",
        });
      }
    }

    if (openai) return serveOpenAI(res, req.method ?? "GET", url.pathname.slice("/v1beta/openai".length), json);

    if (req.method === "GET" && url.pathname === "/v1beta/models") {
      const size = Math.min(
        Number(url.searchParams.get("pageSize")) || options.pageSize || 3,
        options.maxPageSize ?? 3,
      );
      const token = url.searchParams.get("pageToken");
      const offset = token ? Number(Buffer.from(token, "base64url").toString()) : 0;
      const page = models.slice(offset, offset + size);
      const next = offset + size < models.length ? Buffer.from(String(offset + size)).toString("base64url") : undefined;
      return sendJson(res, 200, { models: page.map(describeModel), ...(next ? { nextPageToken: next } : {}) });
    }
    const match = /^\/v1beta\/models\/([^/:]+)(?::(\w+))?$/.exec(url.pathname);
    if (!match) return fail(notFoundError(url.pathname));
    const [, model = "", method] = match;
    if (!models.includes(model)) {
      return fail({
        code: 404,
        message: `models/${model} is not found for API version v1beta, or is not supported for ${method ?? "get"}. Call ListModels to see the list of available models and their supported methods.`,
        status: "NOT_FOUND",
      });
    }
    if (req.method === "GET" && !method) return sendJson(res, 200, describeModel(model));
    if (!isCall) return fail(notFoundError(url.pathname));

    switch (method) {
      case "generateContent":
        return sendJson(res, 200, generateResponse(model, WORDS.join(""), true));
      case "streamGenerateContent":
        return streamGenerate(res, model, url.searchParams.get("alt") === "sse", chunkDelayMs);
      case "countTokens":
        return sendJson(res, 200, { totalTokens: 7, promptTokensDetails: [{ modality: "TEXT", tokenCount: 7 }] });
      case "embedContent":
        return sendJson(res, 200, { embedding: { values: [0.013, -0.008, 0.021, 0.004] } });
      case "batchEmbedContents": {
        const list = Array.isArray(json.requests) ? json.requests : [];
        return sendJson(res, 200, { embeddings: list.map(() => ({ values: [0.013, -0.008, 0.021, 0.004] })) });
      }
      default:
        return fail({
          code: 400,
          message: `Unknown method ${method} on models/${model}.`,
          status: "INVALID_ARGUMENT",
        });
    }
  });

  async function serveOpenAI(res: ServerResponse, method: string, path: string, json: Record<string, unknown>) {
    const model = typeof json.model === "string" ? json.model : "gemini-2.0-flash";
    switch (`${method} ${path}`) {
      case "GET /models":
        return sendJson(res, 200, {
          object: "list",
          data: models.map((id) => ({ id: `models/${id}`, object: "model", owned_by: "google" })),
        });
      case "POST /chat/completions": {
        if (json.stream === true) {
          res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
          const created = Math.floor(Date.now() / 1000);
          for (const [index, word] of WORDS.entries()) {
            if (res.destroyed) return;
            const last = index === WORDS.length - 1;
            res.write(
              `data: ${JSON.stringify({
                choices: [
                  { delta: { content: word, role: "assistant" }, finish_reason: last ? "stop" : null, index: 0 },
                ],
                created,
                id: "gemini-mock",
                model,
                object: "chat.completion.chunk",
              })}\n\n`,
            );
            await sleep(chunkDelayMs);
          }
          res.write("data: [DONE]\n\n");
          return void res.end();
        }
        return sendJson(res, 200, {
          choices: [{ finish_reason: "stop", index: 0, message: { content: WORDS.join(""), role: "assistant" } }],
          created: Math.floor(Date.now() / 1000),
          id: "gemini-mock",
          model,
          object: "chat.completion",
          usage: { completion_tokens: WORDS.length, prompt_tokens: 4, total_tokens: 4 + WORDS.length },
        });
      }
      case "POST /embeddings": {
        const input = Array.isArray(json.input) ? json.input : [json.input];
        return sendJson(res, 200, {
          data: input.map((_, index) => ({ embedding: [0.013, -0.008, 0.021], index, object: "embedding" })),
          model,
          object: "list",
          usage: { prompt_tokens: 2 * input.length, total_tokens: 2 * input.length },
        });
      }
      default:
        return sendJson(res, 404, [{ error: notFoundError(`/v1beta/openai${path}`) }]);
    }
  }

  return {
    ...server,
    baseURL: server.url,
    requestsByKey,
    requests,
    setBehaviour: (key, behaviour) => void keys.set(key, behaviour),
    reset() {
      requestsByKey.clear();
      requests.length = 0;
    },
  };
}

function modelOf(pathname: string, body: Buffer): string {
  const fromPath = /\/models\/([^/:]+)/.exec(pathname)?.[1];
  if (fromPath) return fromPath;
  try {
    return String((JSON.parse(body.toString("utf8")) as { model?: string }).model ?? "gemini-2.0-flash");
  } catch {
    return "gemini-2.0-flash";
  }
}

function describeModel(id: string) {
  const embedding = id.includes("embedding");
  return {
    name: `models/${id}`,
    version: "001",
    displayName: id.replace(/-/g, " "),
    description: `Mock of ${id}`,
    inputTokenLimit: embedding ? 2048 : 1_048_576,
    outputTokenLimit: embedding ? 1 : 8192,
    supportedGenerationMethods: embedding
      ? ["embedContent", "batchEmbedContents"]
      : ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
    ...(embedding ? {} : { temperature: 1, topP: 0.95, topK: 40, maxTemperature: 2 }),
  };
}

function generateResponse(model: string, text: string, final: boolean) {
  return {
    candidates: [
      { content: { parts: [{ text }], role: "model" }, ...(final ? { finishReason: "STOP" } : {}), index: 0 },
    ],
    usageMetadata: final
      ? {
          promptTokenCount: 4,
          candidatesTokenCount: WORDS.length,
          totalTokenCount: 4 + WORDS.length,
          promptTokensDetails: [{ modality: "TEXT", tokenCount: 4 }],
        }
      : { promptTokenCount: 4, totalTokenCount: 4 },
    modelVersion: model,
    responseId: "mock-response-id",
  };
}

async function streamGenerate(res: ServerResponse, model: string, sse: boolean, delay: number) {
  res.writeHead(200, { "content-type": sse ? "text/event-stream" : "application/json; charset=UTF-8" });
  if (!sse) res.write("[");
  for (const [index, word] of WORDS.entries()) {
    if (res.destroyed) return;
    const chunk = JSON.stringify(generateResponse(model, word, index === WORDS.length - 1));
    // Google frames SSE events with CRLF; the JSON-array form separates elements with ",\r\n".
    res.write(sse ? `data: ${chunk}\r\n\r\n` : `${index ? ",\r\n" : ""}${chunk}`);
    await sleep(delay);
  }
  if (!sse) res.write("]");
  res.end();
}

function notFoundError(path: string): GoogleError {
  return { code: 404, message: `The requested URL ${path} was not found on this server.`, status: "NOT_FOUND" };
}

function apiKeyInvalid(): GoogleError {
  return {
    code: 400,
    message: "API key not valid. Please pass a valid API key.",
    status: "INVALID_ARGUMENT",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "API_KEY_INVALID",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com" },
      },
      {
        "@type": "type.googleapis.com/google.rpc.LocalizedMessage",
        locale: "en-US",
        message: "API key not valid. Please pass a valid API key.",
      },
    ],
  };
}

function permissionDenied(key: string): GoogleError {
  return {
    code: 403,
    message: `Permission denied: Consumer 'api_key:${key.slice(0, 6)}…' has been suspended.`,
    status: "PERMISSION_DENIED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        reason: "CONSUMER_SUSPENDED",
        domain: "googleapis.com",
        metadata: { service: "generativelanguage.googleapis.com", consumer: "projects/123456789" },
      },
    ],
  };
}

function quotaExceeded(window: "minute" | "day", model: string, retryDelaySeconds: number): GoogleError {
  const quotaId =
    window === "day"
      ? "GenerateRequestsPerDayPerProjectPerModel-FreeTier"
      : "GenerateRequestsPerMinutePerProjectPerModel-FreeTier";
  const limit = window === "day" ? 200 : 15;
  return {
    code: 429,
    message: `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis.com/generate_content_free_tier_requests, limit: ${limit}, model: ${model}\nPlease retry in ${retryDelaySeconds}.${window === "day" ? "2" : "5"}s.`,
    status: "RESOURCE_EXHAUSTED",
    details: [
      {
        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
        violations: [
          {
            quotaMetric: "generativelanguage.googleapis.com/generate_content_free_tier_requests",
            quotaId,
            quotaDimensions: { location: "global", model },
            quotaValue: String(limit),
          },
        ],
      },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
      { "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: `${retryDelaySeconds}s` },
    ],
  };
}
