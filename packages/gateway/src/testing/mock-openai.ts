/**
 * A faithful mock of an OpenAI-compatible upstream (OpenAI itself, and the relays and vendors
 * that copy its wire format): real paths under `/v1`, real response and error shapes, real SSE
 * framing ending in `data: [DONE]`, and per-key behaviour for failover tests.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type MockServer, sendJson, sleep, startMockServer } from "./mock-server.js";

/** How the mock treats a given key. */
export type MockKeyBehaviour =
  | "ok"
  /** 401 `invalid_api_key`. */
  | "invalid"
  /** 429 `rate_limit_exceeded` with `retry-after`. */
  | "rate-limited"
  /** 429 `insufficient_quota`. */
  | "no-quota"
  /** 500 `server_error`. */
  | "server-error"
  /** Succeeds, but waits `slowMs` between stream chunks (and before a JSON answer). */
  | "slow"
  /** Streams a few chunks, then destroys the socket mid-answer. */
  | "cut-mid-stream";

export interface MockOpenAIOptions {
  /** Behaviour per key; keys not listed get 401. */
  keys?: Record<string, MockKeyBehaviour>;
  /** Accept any key not listed as `ok` (for load tests). @default false */
  acceptAnyKey?: boolean;
  /** Delay between chunks of `slow` keys. @default 200 */
  slowMs?: number;
  /** `retry-after` seconds of `rate-limited` keys. @default 1 */
  retryAfterSeconds?: number;
  /** Models listed by `GET /v1/models`. */
  models?: string[];
  /** Path prefix of the API root. @default "/v1" */
  prefix?: string;
  /** Words streamed by chat completions. @default 5 */
  streamWords?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  key?: string;
}

export interface MockOpenAI extends MockServer {
  /** Base URL including the prefix, e.g. `http://127.0.0.1:1234/v1`. */
  baseURL: string;
  /** Requests per key (by the bearer token received). */
  requestsByKey: Map<string, number>;
  requests: RecordedRequest[];
  /** Number of requests whose client disconnected before the answer finished. */
  aborted: number;
  /** Streamed answers started and not yet finished (proves a client got a chunk mid-stream). */
  openStreams: number;
  setBehaviour(key: string, behaviour: MockKeyBehaviour): void;
  reset(): void;
}

const WORDS = ["Hello", " from", " the", " mock", " upstream", " of", " Keyhive", "."];

export async function startMockOpenAI(options: MockOpenAIOptions = {}): Promise<MockOpenAI> {
  const keys = new Map(Object.entries(options.keys ?? {}));
  const prefix = options.prefix ?? "/v1";
  const slowMs = options.slowMs ?? 200;
  const models = options.models ?? ["gpt-4o-mini", "gpt-4o", "text-embedding-3-small"];
  const streamWords = options.streamWords ?? 5;
  const requestsByKey = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  let aborted = 0;
  const streams = { open: 0 };

  const server = await startMockServer(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, headers: req.headers, body, key });
    if (key) requestsByKey.set(key, (requestsByKey.get(key) ?? 0) + 1);
    res.on("close", () => {
      if (!res.writableFinished) aborted++;
    });

    if (!url.pathname.startsWith(prefix)) return notFound(res, url.pathname);
    const path = url.pathname.slice(prefix.length);
    const behaviour = key ? (keys.get(key) ?? (options.acceptAnyKey ? "ok" : undefined)) : undefined;
    if (!key || !behaviour || behaviour === "invalid") {
      return sendJson(res, 401, {
        error: {
          message: `Incorrect API key provided: ${key ? `${key.slice(0, 3)}***${key.slice(-4)}` : "none"}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
    }
    if (behaviour === "rate-limited") {
      return sendJson(
        res,
        429,
        {
          error: {
            message: "Rate limit reached for requests",
            type: "requests",
            param: null,
            code: "rate_limit_exceeded",
          },
        },
        {
          "retry-after": String(options.retryAfterSeconds ?? 1),
          "x-ratelimit-reset-requests": `${options.retryAfterSeconds ?? 1}s`,
        },
      );
    }
    if (behaviour === "no-quota") {
      return sendJson(res, 429, {
        error: {
          message: "You exceeded your current quota, please check your plan and billing details.",
          type: "insufficient_quota",
          param: null,
          code: "insufficient_quota",
        },
      });
    }
    if (behaviour === "server-error") {
      return sendJson(res, 500, {
        error: {
          message: "The server had an error while processing your request.",
          type: "server_error",
          param: null,
          code: null,
        },
      });
    }

    let json: Record<string, unknown> = {};
    const contentType = req.headers["content-type"] ?? "";
    if (req.method === "POST" && contentType.includes("application/json")) {
      try {
        json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, {
          error: {
            message: "We could not parse the JSON body of your request.",
            type: "invalid_request_error",
            param: null,
            code: null,
          },
        });
      }
    }
    const model = typeof json.model === "string" ? json.model : "gpt-4o-mini";
    if (req.method === "POST" && json.model === "missing-model") {
      return sendJson(res, 404, {
        error: {
          message: `The model \`${json.model}\` does not exist or you do not have access to it.`,
          type: "invalid_request_error",
          param: null,
          code: "model_not_found",
        },
      });
    }
    const slow = behaviour === "slow";

    switch (`${req.method} ${path}`) {
      case "GET /models":
        return sendJson(res, 200, {
          object: "list",
          data: models.map((id) => ({ id, object: "model", created: 1_700_000_000, owned_by: "system" })),
        });
      case "POST /chat/completions":
      case "POST /completions": {
        const chat = path === "/chat/completions";
        if (json.stream === true) {
          streams.open++;
          res.on("close", () => streams.open--);
          return streamCompletion(res, {
            chat,
            model,
            words: streamWords,
            slow: slow ? slowMs : 0,
            cut: behaviour === "cut-mid-stream",
            usage: (json.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true,
          });
        }
        if (slow) await sleep(slowMs);
        const text = WORDS.slice(0, streamWords).join("");
        return sendJson(res, 200, {
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
      case "POST /embeddings": {
        const input = Array.isArray(json.input) ? json.input : [json.input];
        return sendJson(res, 200, {
          object: "list",
          data: input.map((_, index) => ({ object: "embedding", index, embedding: [0.1, 0.2, 0.3, 0.4] })),
          model,
          usage: { prompt_tokens: 4 * input.length, total_tokens: 4 * input.length },
        });
      }
      case "POST /rerank": {
        const documents = Array.isArray(json.documents) ? json.documents : [];
        return sendJson(res, 200, {
          id: "rerank-mock",
          results: documents.map((_, index) => ({ index, relevance_score: 1 / (index + 1) })),
          meta: { tokens: { input_tokens: 10, output_tokens: 0 } },
        });
      }
      case "POST /images/generations":
        return sendJson(res, 200, {
          created: Math.floor(Date.now() / 1000),
          data: [{ url: "https://example.invalid/image.png" }],
        });
      case "POST /audio/speech": {
        const audio = Buffer.from("ID3mock-mp3-bytes");
        res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
        return void res.end(audio);
      }
      case "POST /audio/transcriptions": {
        if (!contentType.includes("multipart/form-data")) {
          return sendJson(res, 400, {
            error: { message: "Expected multipart/form-data.", type: "invalid_request_error", param: null, code: null },
          });
        }
        const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
        const file = form.get("file");
        return sendJson(res, 200, {
          text: `transcribed ${file instanceof Blob ? file.size : 0} bytes with ${form.get("model")}`,
        });
      }
      default:
        return notFound(res, url.pathname);
    }
  });

  return {
    ...server,
    baseURL: `${server.url}${prefix}`,
    requestsByKey,
    requests,
    get aborted() {
      return aborted;
    },
    get openStreams() {
      return streams.open;
    },
    setBehaviour: (key, behaviour) => void keys.set(key, behaviour),
    reset() {
      requestsByKey.clear();
      requests.length = 0;
      aborted = 0;
    },
  };
}

function notFound(res: ServerResponse, path: string) {
  sendJson(res, 404, {
    error: { message: `Invalid URL (${path})`, type: "invalid_request_error", param: null, code: null },
  });
}

async function streamCompletion(
  res: ServerResponse,
  o: { chat: boolean; model: string; words: number; slow: number; cut: boolean; usage: boolean },
) {
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
    const word = WORDS[i % WORDS.length] as string;
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
