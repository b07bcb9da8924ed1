/**
 * The routes of the OpenAI mock, one small handler each, keyed by `"<METHOD> <path under the
 * prefix>"`. They run after the key passed; each answers in OpenAI's real shape.
 */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import { openAIError } from "./mock-openai-errors.js";
import { MOCK_WORDS, streamCompletion } from "./mock-openai-stream.js";
import type { MockKeyBehaviour, MockOpenAIOptions, ResourcesState, ResponsesState } from "./mock-openai-types.js";

/** What a route handler knows about the request it serves. */
export interface OpenAIRouteContext {
  /** Path under the prefix, e.g. `/chat/completions`. */
  path: string;
  /** The JSON body (empty for GETs and non-JSON bodies). */
  json: Record<string, unknown>;
  /** The raw body, for multipart routes. */
  body: Buffer;
  contentType: string;
  /** `json.model`, or `gpt-4o-mini`. */
  model: string;
  behaviour: MockKeyBehaviour;
  options: MockOpenAIOptions;
  /** Counter of streams started and not yet finished. */
  streams: { openStreams: number };
  /** The bearer key of the request (it passed the key check). */
  key: string;
  /** Stored responses per key: state belongs to the key that created it. */
  responses: ResponsesState;
  /** Stored files, batches, uploads and vector stores per key. */
  resources: ResourcesState;
}

type OpenAIRoute = (res: ServerResponse, context: OpenAIRouteContext) => void | Promise<void>;

const DEFAULT_MODELS = ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];

function listModels(res: ServerResponse, { options }: OpenAIRouteContext): void {
  sendJson(res, 200, {
    object: "list",
    data: (options.models ?? DEFAULT_MODELS).map((id) => ({
      id,
      object: "model",
      created: 1_700_000_000,
      owned_by: "system",
    })),
  });
}

/** Chat and legacy text completions, as JSON or (with `stream: true`) as SSE. */
async function complete(res: ServerResponse, context: OpenAIRouteContext): Promise<void> {
  const { json, model, behaviour, options } = context;
  const chat = context.path === "/chat/completions";
  const slowMs = options.slowMs ?? 200;
  const streamWords = options.streamWords ?? 5;
  if (json.stream === true) {
    context.streams.openStreams++;
    res.on("close", () => context.streams.openStreams--);
    return streamCompletion(res, {
      chat,
      model,
      words: streamWords,
      slow: behaviour === "slow" ? slowMs : 0,
      cut: behaviour === "cut-mid-stream",
      usage: (json.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
    });
  }
  if (behaviour === "slow") await sleep(slowMs);
  const text = MOCK_WORDS.slice(0, streamWords).join("");
  sendJson(res, 200, {
    id: "chatcmpl-mock",
    object: chat ? "chat.completion" : "text_completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      chat
        ? { index: 0, message: { role: "assistant", content: text }, logprobs: null, finish_reason: "stop" }
        : { index: 0, text, logprobs: null, finish_reason: "stop" },
    ],
    usage: { prompt_tokens: 9, completion_tokens: streamWords, total_tokens: 9 + streamWords },
  });
}

function embed(res: ServerResponse, { json, model }: OpenAIRouteContext): void {
  const input = Array.isArray(json.input) ? json.input : [json.input];
  sendJson(res, 200, {
    object: "list",
    data: input.map((_, index) => ({ object: "embedding", index, embedding: [0.1, 0.2, 0.3, 0.4] })),
    model,
    usage: { prompt_tokens: 4 * input.length, total_tokens: 4 * input.length },
  });
}

function rerank(res: ServerResponse, { json }: OpenAIRouteContext): void {
  const documents = Array.isArray(json.documents) ? json.documents : [];
  sendJson(res, 200, {
    id: "rerank-mock",
    results: documents.map((_, index) => ({ index, relevance_score: 1 / (index + 1) })),
    meta: { tokens: { input_tokens: 10, output_tokens: 0 } },
  });
}

function generateImage(res: ServerResponse): void {
  sendJson(res, 200, { created: Math.floor(Date.now() / 1000), data: [{ url: "https://example.invalid/image.png" }] });
}

function moderate(res: ServerResponse, { model }: OpenAIRouteContext): void {
  const results = [{ flagged: false, categories: { violence: false }, category_scores: { violence: 0.001 } }];
  sendJson(res, 200, { id: "modr-mock", model, results });
}

function speak(res: ServerResponse): void {
  const audio = Buffer.from("ID3mock-mp3-bytes");
  res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
  res.end(audio);
}

async function transcribe(res: ServerResponse, { contentType, body }: OpenAIRouteContext): Promise<void> {
  if (!contentType.includes("multipart/form-data")) {
    return openAIError(res, 400, "Expected multipart/form-data.", "invalid_request_error", null);
  }
  const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
  const file = form.get("file");
  sendJson(res, 200, { text: `transcribed ${file instanceof Blob ? file.size : 0} bytes with ${form.get("model")}` });
}

export const OPENAI_ROUTES: Record<string, OpenAIRoute> = {
  "GET /models": listModels,
  "POST /chat/completions": complete,
  "POST /completions": complete,
  "POST /embeddings": embed,
  "POST /rerank": rerank,
  "POST /images/generations": generateImage,
  "POST /audio/speech": speak,
  "POST /audio/transcriptions": transcribe,
  "POST /audio/translations": transcribe,
  "POST /images/edits": generateImage,
  "POST /images/variations": generateImage,
  "POST /moderations": moderate,
};
