/**
 * The routes of the SiliconFlow mock, one small handler each, keyed by `"<METHOD> <path under
 * /v1>"`, plus `/user/info`. Shapes are SiliconFlow's own, where they differ from OpenAI's.
 */
import type { ServerResponse } from "node:http";
import { sendJson, sleep } from "@keyhive/gateway/testing";
import type { MockSiliconFlowOptions, SiliconFlowKeyBehaviour } from "./mock-siliconflow-types.js";

/** What a route handler knows about the request it serves. */
export interface SiliconFlowRouteContext {
  /** Path under `/v1`, e.g. `/chat/completions`. */
  path: string;
  /** The JSON body; for multipart requests `{ form }`. */
  json: Record<string, unknown>;
  model: string | undefined;
  chunkDelayMs: number;
}

type SiliconFlowRoute = (res: ServerResponse, context: SiliconFlowRouteContext) => void | Promise<void>;

const WORDS = ["你好", "，", "I am", " a SiliconFlow", " mock", "."];

const USAGE = { prompt_tokens: 8, completion_tokens: WORDS.length, total_tokens: 8 + WORDS.length };

const IMAGE_URL = "https://sc-maas.oss-cn-shanghai.aliyuncs.com/outputs/mock.png";

/** `GET /v1/user/info`: the balance as numeric strings, or a 500 for `info-broken` keys. */
export function sendUserInfo(
  res: ServerResponse,
  key: string,
  behaviour: SiliconFlowKeyBehaviour,
  options: MockSiliconFlowOptions,
): void {
  if (behaviour === "info-broken") {
    sendJson(res, 500, { code: 50000, message: "Internal error", data: null });
    return;
  }
  const amounts =
    options.balances?.[key] ??
    (behaviour === "zero-balance"
      ? { balance: "0.00", chargeBalance: "0.00" }
      : { balance: "10.00", chargeBalance: "4.00" });
  const total = (Number(amounts.balance) + Number(amounts.chargeBalance)).toFixed(2);
  sendJson(res, 200, {
    code: 20000,
    message: "OK",
    status: true,
    data: {
      id: "userid-mock",
      name: "mock-user",
      image: "",
      email: "",
      isAdmin: false,
      balance: amounts.balance,
      status: "normal",
      introduction: "",
      role: "",
      chargeBalance: amounts.chargeBalance,
      totalBalance: total,
    },
  });
}

/** Chat and text completions, as JSON or (with `stream: true`) as SSE. */
function complete(res: ServerResponse, { path, json, model, chunkDelayMs }: SiliconFlowRouteContext) {
  const chat = path === "/chat/completions";
  if (json.stream === true) return streamChat(res, { chat, model: model as string, delay: chunkDelayMs });
  const text = WORDS.join("");
  sendJson(res, 200, {
    id: "0195mock",
    object: chat ? "chat.completion" : "text_completion",
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      chat
        ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }
        : { index: 0, text, finish_reason: "stop" },
    ],
    usage: USAGE,
    system_fingerprint: "",
  });
}

function embed(res: ServerResponse, { json, model }: SiliconFlowRouteContext): void {
  const input = Array.isArray(json.input) ? json.input : [json.input];
  sendJson(res, 200, {
    model,
    data: input.map((_, index) => ({ object: "embedding", embedding: [0.011, -0.02, 0.033], index })),
    usage: { prompt_tokens: 3 * input.length, completion_tokens: 0, total_tokens: 3 * input.length },
  });
}

function rerank(res: ServerResponse, { json }: SiliconFlowRouteContext): void {
  const documents = Array.isArray(json.documents) ? json.documents : [];
  sendJson(res, 200, {
    id: "0195rerank",
    results: documents.map((_, index) => ({ index, relevance_score: 0.9 / (index + 1) })),
    meta: { billed_units: { search_units: 0 }, tokens: { input_tokens: 12, output_tokens: 0 } },
  });
}

function generateImage(res: ServerResponse): void {
  sendJson(res, 200, {
    images: [{ url: IMAGE_URL }],
    timings: { inference: 1.2 },
    seed: 42,
    shared_id: "0",
    data: [{ url: IMAGE_URL }],
    created: Math.floor(Date.now() / 1000),
  });
}

function speak(res: ServerResponse): void {
  const audio = Buffer.from("ID3siliconflow-mock-audio");
  res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
  res.end(audio);
}

function transcribe(res: ServerResponse, { json }: SiliconFlowRouteContext): void {
  const form = json.form instanceof FormData ? json.form : undefined;
  if (!form) {
    sendJson(res, 400, { code: 20015, message: "file is required", data: null });
    return;
  }
  const file = form.get("file");
  sendJson(res, 200, { text: `transcribed ${file instanceof Blob ? file.size : 0} bytes` });
}

export const SILICONFLOW_ROUTES: Record<string, SiliconFlowRoute> = {
  "POST /chat/completions": complete,
  "POST /completions": complete,
  "POST /embeddings": embed,
  "POST /rerank": rerank,
  "POST /images/generations": generateImage,
  "POST /audio/speech": speak,
  "POST /audio/transcriptions": transcribe,
};

async function streamChat(res: ServerResponse, o: { chat: boolean; model: string; delay: number }) {
  res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
  const created = Math.floor(Date.now() / 1000);
  const chunk = (content: string, finish: string | null, usage?: Record<string, number>) => ({
    id: "0195mock",
    object: o.chat ? "chat.completion.chunk" : "text_completion",
    created,
    model: o.model,
    choices: [
      o.chat
        ? { index: 0, delta: { content, reasoning_content: null, role: "assistant" }, finish_reason: finish }
        : { index: 0, text: content, finish_reason: finish },
    ],
    system_fingerprint: "",
    // SiliconFlow attaches usage to every chunk, not only to a final one.
    usage: usage ?? { prompt_tokens: 8, completion_tokens: 1, total_tokens: 9 },
  });
  for (const word of WORDS) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(chunk(word, null))}\n\n`);
    await sleep(o.delay);
  }
  res.write(`data: ${JSON.stringify(chunk("", "stop", USAGE))}\n\n`);
  res.write("data: [DONE]\n\n");
  res.end();
}
