/** The fake upstream's answers: OpenAI-compatible JSON bodies and SSE streams ending in `[DONE]`. */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "../../src/testing/mock-server.js";

export const FAKE_WORDS = ["Hello", " from", " the", " fake", " upstream", " of", " Keyhive", "."];

export interface CompletionOptions {
  chat: boolean;
  model: string;
  words: number;
  /** Delay before each chunk (and before a JSON answer), ms. */
  slow: number;
  /** Destroy the socket after two content chunks, like a crashed upstream. */
  cut: boolean;
  /** Send a final usage chunk (`stream_options.include_usage`). */
  usage: boolean;
}

export const usageOf = (words: number) => ({ prompt_tokens: 9, completion_tokens: words, total_tokens: 9 + words });

export async function sendCompletion(res: ServerResponse, o: Omit<CompletionOptions, "cut" | "usage">) {
  if (o.slow) await sleep(o.slow);
  const text = FAKE_WORDS.slice(0, o.words).join("");
  sendJson(res, 200, {
    id: "cmpl-fake",
    object: o.chat ? "chat.completion" : "text_completion",
    created: Math.floor(Date.now() / 1000),
    model: o.model,
    choices: [
      o.chat
        ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }
        : { index: 0, text, finish_reason: "stop" },
    ],
    usage: usageOf(o.words),
  });
}

export async function streamCompletion(res: ServerResponse, o: CompletionOptions) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown> | string, finish: string | null) => ({
    id: "cmpl-fake",
    object: o.chat ? "chat.completion.chunk" : "text_completion",
    created,
    model: o.model,
    choices: [o.chat ? { index: 0, delta, finish_reason: finish } : { index: 0, text: delta, finish_reason: finish }],
  });
  const send = (data: unknown) => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  if (o.chat) send(chunk({ role: "assistant", content: "" }, null));
  for (let i = 0; i < o.words; i++) {
    if (o.slow) await sleep(o.slow);
    if (res.destroyed) return;
    const word = FAKE_WORDS[i % FAKE_WORDS.length] as string;
    send(chunk(o.chat ? { content: word } : word, null));
    if (o.cut && i === 1) {
      // Let the two chunks leave, then drop the connection.
      await sleep(20);
      res.socket?.destroy();
      return;
    }
  }
  send(chunk(o.chat ? {} : "", "stop"));
  if (o.usage)
    send({
      id: "cmpl-fake",
      object: "chat.completion.chunk",
      created,
      model: o.model,
      choices: [],
      usage: usageOf(o.words),
    });
  send("[DONE]");
  res.end();
}

/** `{"error":{"message","type","code"}}`, the error shape the fake provider classifies. */
export function sendError(res: ServerResponse, status: number, code: string | null, message: string, headers = {}) {
  sendJson(res, status, { error: { message, type: code ?? "server_error", code } }, headers);
}
