/**
 * The Gemini mock's OpenAI-compatible surface under `/v1beta/openai/`: models (ids prefixed
 * `models/`), chat completions (JSON and SSE) and embeddings, in the shapes Google sends there.
 */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import { notFoundError } from "./mock-gemini-errors.js";
import { MOCK_GEMINI_WORDS as WORDS } from "./mock-gemini-native.js";

/** What a handler of the OpenAI surface knows about the request it serves. */
export interface GeminiOpenAIContext {
  method: string;
  /** Path under `/v1beta/openai`, e.g. `/chat/completions`. */
  path: string;
  json: Record<string, unknown>;
  models: readonly string[];
  chunkDelayMs: number;
}

/** Serves a request to the OpenAI-compatible surface that passed the key checks. */
export function serveOpenAI(res: ServerResponse, context: GeminiOpenAIContext): void | Promise<void> {
  const { json, models } = context;
  const model = typeof json.model === "string" ? json.model : "gemini-2.0-flash";
  switch (`${context.method} ${context.path}`) {
    case "GET /models":
      return sendJson(res, 200, {
        object: "list",
        data: models.map((id) => ({ id: `models/${id}`, object: "model", owned_by: "google" })),
      });
    case "POST /chat/completions":
      if (json.stream === true) return streamChat(res, model, context.chunkDelayMs);
      return sendJson(res, 200, {
        choices: [{ finish_reason: "stop", index: 0, message: { content: WORDS.join(""), role: "assistant" } }],
        created: Math.floor(Date.now() / 1000),
        id: "gemini-mock",
        model,
        object: "chat.completion",
        usage: { completion_tokens: WORDS.length, prompt_tokens: 4, total_tokens: 4 + WORDS.length },
      });
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
      return sendJson(res, 404, [{ error: notFoundError(`/v1beta/openai${context.path}`) }]);
  }
}

/** Chat chunks, one word each, the last with `finish_reason: "stop"`, then `[DONE]`. */
async function streamChat(res: ServerResponse, model: string, delay: number): Promise<void> {
  res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  const created = Math.floor(Date.now() / 1000);
  for (const [index, word] of WORDS.entries()) {
    if (res.destroyed) return;
    const last = index === WORDS.length - 1;
    const chunk = {
      choices: [{ delta: { content: word, role: "assistant" }, finish_reason: last ? "stop" : null, index: 0 }],
      created,
      id: "gemini-mock",
      model,
      object: "chat.completion.chunk",
    };
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    await sleep(delay);
  }
  res.write("data: [DONE]\n\n");
  res.end();
}
