/** The OpenAI mock's SSE answers: `chat.completion.chunk`s (or text completions) ending in `[DONE]`. */
import type { ServerResponse } from "node:http";
import { sleep } from "@keyhive/gateway/testing";

/** The words the mock answers with, in order (streams repeat them when asked for more). */
export const MOCK_WORDS = ["Hello", " from", " the", " mock", " upstream", " of", " Keyhive", "."];

/** How one stream is written. */
export interface StreamShape {
  chat: boolean;
  model: string;
  words: number;
  /** Delay before each word, ms (0: none). */
  slow: number;
  /** Drop the connection after the second word. */
  cut: boolean;
  /** End with a `choices: []` chunk carrying usage (`stream_options.include_usage`). */
  usage: boolean;
}

export async function streamCompletion(res: ServerResponse, o: StreamShape) {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (delta: Record<string, unknown> | string, finish: string | null) => ({
    id: "chatcmpl-mock",
    object: o.chat ? "chat.completion.chunk" : "text_completion",
    created,
    model: o.model,
    choices: [
      o.chat
        ? { index: 0, delta, logprobs: null, finish_reason: finish }
        : { index: 0, text: delta, logprobs: null, finish_reason: finish },
    ],
  });
  const send = (data: unknown) => res.write(`data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  if (o.chat) send(chunk({ role: "assistant", content: "" }, null));
  for (let i = 0; i < o.words; i++) {
    if (o.slow) await sleep(o.slow);
    if (res.destroyed) return;
    const word = MOCK_WORDS[i % MOCK_WORDS.length] as string;
    send(chunk(o.chat ? { content: word } : word, null));
    if (o.cut && i === 1) {
      // Let the two chunks leave, then drop the connection like a crashed upstream.
      await sleep(20);
      res.socket?.destroy();
      return;
    }
  }
  send(chunk(o.chat ? {} : "", "stop"));
  if (o.usage) {
    send({
      id: "chatcmpl-mock",
      object: "chat.completion.chunk",
      created,
      model: o.model,
      choices: [],
      usage: { prompt_tokens: 9, completion_tokens: o.words, total_tokens: 9 + o.words },
    });
  }
  send("[DONE]");
  res.end();
}
