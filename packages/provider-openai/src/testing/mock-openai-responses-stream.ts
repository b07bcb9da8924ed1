/**
 * The mock's Responses stream: typed SSE as OpenAI sends it — each block `event: <type>` and
 * `data: {"type": <type>, "sequence_number": n, …}`, from `response.created` to
 * `response.completed` (which carries the usage), and no `[DONE]` line.
 */
import type { ServerResponse } from "node:http";
import { sleep } from "@keyhive/gateway/testing";

export interface ResponseStreamShape {
  /** Delay before each text delta, ms (0: none). */
  slow: number;
  /** Drop the connection after the second delta, like a crashed upstream. */
  cut: boolean;
  /** Write every event in two pieces, split inside its `data:` line (framing tests). */
  split: boolean;
}

type Message = { id: string; content: { text: string }[] };

export async function streamResponse(res: ServerResponse, response: Record<string, unknown>, o: ResponseStreamShape) {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
  });
  let sequence = 0;
  const send = (type: string, fields: Record<string, unknown>) => {
    const block = `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence++, ...fields })}\n\n`;
    if (!o.split) return res.write(block);
    const half = Math.floor(block.length / 2);
    res.write(block.slice(0, half));
    return res.write(block.slice(half));
  };
  const message = (response.output as Message[])[0];
  const pending = { ...response, status: "in_progress", output: [], usage: null };
  send("response.created", { response: pending });
  send("response.in_progress", { response: pending });
  if (message) {
    const text = message.content[0]?.text ?? "";
    const item = { id: message.id, type: "message", status: "in_progress", role: "assistant", content: [] };
    const at = { item_id: message.id, output_index: 0, content_index: 0 };
    send("response.output_item.added", { output_index: 0, item });
    send("response.content_part.added", { ...at, part: { type: "output_text", text: "", annotations: [] } });
    const words = text.match(/\s*\S+/g) ?? [];
    for (let i = 0; i < words.length; i++) {
      if (o.slow) await sleep(o.slow);
      if (res.destroyed) return;
      send("response.output_text.delta", { ...at, delta: words[i], logprobs: [] });
      if (o.cut && i === 1) {
        await sleep(20);
        res.socket?.destroy();
        return;
      }
    }
    send("response.output_text.done", { ...at, text, logprobs: [] });
    send("response.content_part.done", { ...at, part: { type: "output_text", text, annotations: [] } });
    send("response.output_item.done", { output_index: 0, item: message });
  }
  send("response.completed", { response });
  res.end();
}
