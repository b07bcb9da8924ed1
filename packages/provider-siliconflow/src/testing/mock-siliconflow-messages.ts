/**
 * The Anthropic Messages API as SiliconFlow serves it at its API root (`POST /v1/messages`,
 * `/v1/messages/count_tokens`): the key in `x-api-key` (a bearer token works too), errors as
 * `{"type":"error","error":{"type","message"}}`, and the API's SSE framing — `event: <type>`
 * blocks from `message_start` (input tokens) to `message_stop`, with `ping` in between and the
 * output count in `message_delta`. Per-key behaviours are the mock's usual ones.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import type { SiliconFlowKeyBehaviour } from "./mock-siliconflow-types.js";

export interface MessagesContext {
  path: string;
  behaviour: SiliconFlowKeyBehaviour | undefined;
  body: Buffer;
  freeModels: ReadonlySet<string>;
  paidModels: readonly string[];
  chunkDelayMs: number;
  retryAfterSeconds: number;
}

/** The words every answer is made of: one output token each. */
export const MESSAGES_WORDS = ["Hello", " from", " the", " SiliconFlow", " Messages", " mock."];
/** Input tokens of every request (the mock does not tokenize). */
export const MESSAGES_INPUT_TOKENS = 21;

/** The key of a Messages request: `x-api-key`, else a bearer token. */
export function messagesKey(req: IncomingMessage): string | undefined {
  const header = req.headers["x-api-key"];
  if (typeof header === "string" && header) return header;
  const match = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? "");
  return match?.[1]?.trim();
}

function sendError(res: ServerResponse, status: number, type: string, message: string, headers = {}): void {
  sendJson(res, status, { type: "error", error: { type, message } }, headers);
}

/** Answers `/messages` and `/messages/count_tokens` (paths under `/v1`). */
export async function serveMessages(res: ServerResponse, context: MessagesContext): Promise<void> {
  const { behaviour } = context;
  if (!behaviour || behaviour === "invalid") return sendError(res, 401, "authentication_error", "invalid x-api-key");
  if (behaviour === "rate-limited") {
    const headers = { "retry-after": String(context.retryAfterSeconds) };
    return sendError(res, 429, "rate_limit_error", "Rate limit reached (TPM).", headers);
  }
  if (behaviour === "overloaded") return sendError(res, 529, "overloaded_error", "Overloaded");
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(context.body.toString("utf8")) as Record<string, unknown>;
  } catch {
    return sendError(res, 400, "invalid_request_error", "Invalid JSON body");
  }
  const model = typeof json.model === "string" ? json.model : "";
  if (!context.freeModels.has(model) && !context.paidModels.includes(model)) {
    return sendError(res, 400, "invalid_request_error", `model: Model does not exist: '${model}'`);
  }
  if (behaviour === "zero-balance" && !context.freeModels.has(model)) {
    return sendError(res, 403, "permission_error", "Sorry, your account balance is insufficient");
  }
  if (context.path === "/messages/count_tokens") return sendJson(res, 200, { input_tokens: MESSAGES_INPUT_TOKENS });
  if (context.path !== "/messages") return sendError(res, 404, "not_found_error", "Not Found");
  if (typeof json.max_tokens !== "number") {
    return sendError(res, 400, "invalid_request_error", "max_tokens: Field required");
  }
  if (json.stream === true) return streamMessage(res, model, context, behaviour === "stream-breaks");
  sendJson(res, 200, {
    ...messageShell(model),
    content: [{ type: "text", text: MESSAGES_WORDS.join("") }],
    stop_reason: "end_turn",
    usage: { input_tokens: MESSAGES_INPUT_TOKENS, output_tokens: MESSAGES_WORDS.length },
  });
}

function messageShell(model: string) {
  return { id: "msg_01mockSiliconFlow", type: "message", role: "assistant", model, stop_sequence: null };
}

/** The API's stream; `breaks`: the connection drops after the first deltas. */
async function streamMessage(res: ServerResponse, model: string, context: MessagesContext, breaks: boolean) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  const send = async (type: string, data: Record<string, unknown>) => {
    res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    await sleep(context.chunkDelayMs);
  };
  const usage = { input_tokens: MESSAGES_INPUT_TOKENS, output_tokens: 1 };
  await send("message_start", { message: { ...messageShell(model), content: [], stop_reason: null, usage } });
  await send("content_block_start", { index: 0, content_block: { type: "text", text: "" } });
  await send("ping", {});
  for (const [i, word] of MESSAGES_WORDS.entries()) {
    if (breaks && i === 2) return void res.destroy();
    await send("content_block_delta", { index: 0, delta: { type: "text_delta", text: word } });
  }
  await send("content_block_stop", { index: 0 });
  await send("message_delta", {
    delta: { stop_reason: "end_turn", stop_sequence: null },
    usage: { output_tokens: MESSAGES_WORDS.length },
  });
  await send("message_stop", {});
  res.end();
}
