/**
 * The Gemini mock's native surface under `/v1beta`: the paged model list, one model's
 * description, and the model methods (`generateContent`, `streamGenerateContent` as SSE or as a
 * streamed JSON array, `countTokens`, `embedContent`, `batchEmbedContents`).
 */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import { notFoundError, unknownModel } from "./mock-gemini-errors.js";
import type { GoogleError, MockGeminiOptions } from "./mock-gemini-types.js";

/** The words the mock answers with, in order. */
export const MOCK_GEMINI_WORDS = ["Hello", " from", " the", " Gemini", " mock", "."];

const WORDS = MOCK_GEMINI_WORDS;

/** What a native handler knows about the request it serves. */
export interface GeminiNativeContext {
  url: URL;
  method: string;
  json: Record<string, unknown>;
  models: readonly string[];
  options: MockGeminiOptions;
  fail(error: GoogleError): void;
}

/** Serves a native `/v1beta/...` request that passed the key checks. */
export function serveNative(res: ServerResponse, context: GeminiNativeContext): void | Promise<void> {
  const { url, method, models, fail } = context;
  if (method === "GET" && url.pathname === "/v1beta/models") return listModels(res, context);
  const match = /^\/v1beta\/models\/([^/:]+)(?::(\w+))?$/.exec(url.pathname);
  if (!match) return fail(notFoundError(url.pathname));
  const [, model = "", action] = match;
  if (!models.includes(model)) return fail(unknownModel(model, action));
  if (method === "GET" && !action) return sendJson(res, 200, describeModel(model));
  if (method !== "POST") return fail(notFoundError(url.pathname));
  return callModel(res, context, model, action);
}

/** `GET /v1beta/models`, paged with `pageSize` and an opaque `pageToken`. */
function listModels(res: ServerResponse, { url, models, options }: GeminiNativeContext): void {
  const size = Math.min(Number(url.searchParams.get("pageSize")) || options.pageSize || 3, options.maxPageSize ?? 3);
  const token = url.searchParams.get("pageToken");
  const offset = token ? Number(Buffer.from(token, "base64url").toString()) : 0;
  const page = models.slice(offset, offset + size);
  const next = offset + size < models.length ? Buffer.from(String(offset + size)).toString("base64url") : undefined;
  sendJson(res, 200, { models: page.map(describeModel), ...(next ? { nextPageToken: next } : {}) });
}

/** `POST /v1beta/models/{model}:{action}`. */
function callModel(res: ServerResponse, context: GeminiNativeContext, model: string, action: string | undefined) {
  const { url, json, options } = context;
  switch (action) {
    case "generateContent":
      return sendJson(res, 200, generateResponse(model, WORDS.join(""), true));
    case "streamGenerateContent":
      return streamGenerate(res, model, url.searchParams.get("alt") === "sse", options.chunkDelayMs ?? 10);
    case "countTokens":
      return sendJson(res, 200, { totalTokens: 7, promptTokensDetails: [{ modality: "TEXT", tokenCount: 7 }] });
    case "embedContent":
      return sendJson(res, 200, { embedding: { values: [0.013, -0.008, 0.021, 0.004] } });
    case "batchEmbedContents": {
      const list = Array.isArray(json.requests) ? json.requests : [];
      return sendJson(res, 200, { embeddings: list.map(() => ({ values: [0.013, -0.008, 0.021, 0.004] })) });
    }
    default:
      return context.fail({
        code: 400,
        message: `Unknown method ${action} on models/${model}.`,
        status: "INVALID_ARGUMENT",
      });
  }
}

/** The model a request is about: from its path, else its body. */
export function modelOf(pathname: string, body: Buffer): string {
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
