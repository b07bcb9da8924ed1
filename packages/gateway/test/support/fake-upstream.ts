/**
 * The upstream of the fake provider: a real HTTP server (the kit's `startMockServer`) speaking
 * an OpenAI-compatible wire format under `/v1`, with per-key behaviour for failover tests and
 * every request recorded. It belongs to the gateway's own tests; vendor mocks live in the
 * provider packages.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type MockServer, sendJson, startMockServer } from "../../src/testing/mock-server.js";
import { sendCompletion, sendError, streamCompletion } from "./fake-stream.js";

/** How the fake upstream treats a given key. */
export type FakeKeyBehaviour =
  | "ok"
  /** 401 `invalid_api_key`. */
  | "invalid"
  /** 429 `rate_limited` with `retry-after`. */
  | "rate-limited"
  /** 429 `insufficient_quota`: the key has no credit. */
  | "no-quota"
  /** 500 `server_error`. */
  | "server-error"
  /** Succeeds, but waits `slowMs` between stream chunks (and before a JSON answer). */
  | "slow"
  /** Streams two chunks, then destroys the socket mid-answer. */
  | "cut-mid-stream";

export interface FakeUpstreamOptions {
  /** Behaviour per key; keys not listed get 401. */
  keys?: Record<string, FakeKeyBehaviour>;
  /** Accept any key not listed as `ok`. @default false */
  acceptAnyKey?: boolean;
  /** Delay between chunks of `slow` keys. @default 200 */
  slowMs?: number;
  /** `retry-after` seconds of `rate-limited` keys. @default 1 */
  retryAfterSeconds?: number;
  /** Models listed by `GET /v1/models`. @default FAKE_MODELS */
  models?: string[];
  /** Words streamed by completions. @default 5 */
  streamWords?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Buffer;
  key?: string;
}

export interface FakeUpstream extends MockServer {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  requestsByKey: Map<string, number>;
  requests: RecordedRequest[];
  /** Requests whose client disconnected before the answer finished. */
  aborted: number;
  /** Streamed answers started and not yet finished. */
  openStreams: number;
  setBehaviour(key: string, behaviour: FakeKeyBehaviour): void;
  reset(): void;
}

export const FAKE_MODELS = ["fake-chat-small", "fake-chat-large", "fake-embed"];
/** A model the upstream does not know: it answers 404 `model_not_found`. */
export const MISSING_MODEL = "missing-model";

export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const keys = new Map(Object.entries(options.keys ?? {}));
  const requestsByKey = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const state = { aborted: 0, open: 0 };

  const server = await startMockServer(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://fake");
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, headers: req.headers, body, key });
    if (key) requestsByKey.set(key, (requestsByKey.get(key) ?? 0) + 1);
    res.on("close", () => {
      if (!res.writableFinished) state.aborted++;
    });
    const behaviour = key ? (keys.get(key) ?? (options.acceptAnyKey ? "ok" : undefined)) : undefined;
    if (failed(res, behaviour, options)) return;
    if (url.pathname.startsWith("/native/")) return serveNative(req, res, url.pathname, options);
    if (!url.pathname.startsWith("/v1/")) return sendError(res, 404, null, `Invalid URL (${url.pathname})`);
    await serveOperation(req, res, body, url.pathname.slice(3), {
      ...options,
      slow: behaviour === "slow" ? (options.slowMs ?? 200) : 0,
      cut: behaviour === "cut-mid-stream",
      streams: state,
    });
  });

  return {
    ...server,
    baseURL: `${server.url}/v1`,
    requestsByKey,
    requests,
    get aborted() {
      return state.aborted;
    },
    get openStreams() {
      return state.open;
    },
    setBehaviour: (key, behaviour) => void keys.set(key, behaviour),
    reset() {
      requestsByKey.clear();
      requests.length = 0;
      state.aborted = 0;
    },
  };
}

/** Answers the failing behaviours; true when it did. */
function failed(res: ServerResponse, behaviour: FakeKeyBehaviour | undefined, o: FakeUpstreamOptions): boolean {
  const retryAfter = String(o.retryAfterSeconds ?? 1);
  if (!behaviour || behaviour === "invalid") sendError(res, 401, "invalid_api_key", "Incorrect API key provided.");
  else if (behaviour === "rate-limited")
    sendError(res, 429, "rate_limited", "Rate limit reached for requests", { "retry-after": retryAfter });
  else if (behaviour === "no-quota") sendError(res, 429, "insufficient_quota", "You exceeded your current quota.");
  else if (behaviour === "server-error")
    sendError(res, 500, null, "The server had an error while processing your request.");
  else return false;
  return true;
}

interface OperationContext extends FakeUpstreamOptions {
  slow: number;
  cut: boolean;
  streams: { open: number };
}

async function serveOperation(
  req: IncomingMessage,
  res: ServerResponse,
  body: Buffer,
  path: string,
  o: OperationContext,
) {
  const contentType = req.headers["content-type"] ?? "";
  let json: Record<string, unknown> = {};
  if (req.method === "POST" && contentType.includes("application/json")) {
    try {
      json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return sendError(res, 400, "invalid_json", "We could not parse the JSON body of your request.");
    }
  }
  const model = typeof json.model === "string" ? json.model : "fake-chat-small";
  if (req.method === "POST" && model === MISSING_MODEL)
    return sendError(res, 404, "model_not_found", `The model \`${model}\` does not exist.`);
  const words = o.streamWords ?? 5;
  switch (`${req.method} ${path}`) {
    case "GET /models":
      return sendJson(res, 200, {
        object: "list",
        data: (o.models ?? FAKE_MODELS).map((id) => ({
          id,
          object: "model",
          created: 1_700_000_000,
          owned_by: "fake",
        })),
      });
    case "POST /chat/completions":
    case "POST /completions": {
      const chat = path === "/chat/completions";
      if (json.stream !== true) return sendCompletion(res, { chat, model, words, slow: o.slow });
      o.streams.open++;
      res.on("close", () => o.streams.open--);
      const usage = (json.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
      return streamCompletion(res, { chat, model, words, slow: o.slow, cut: o.cut, usage });
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
    case "POST /audio/speech": {
      const audio = Buffer.from("ID3fake-mp3-bytes");
      res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
      return void res.end(audio);
    }
    case "POST /audio/transcriptions": {
      if (!contentType.includes("multipart/form-data"))
        return sendError(res, 400, null, "Expected multipart/form-data.");
      const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
      const file = form.get("file");
      return sendJson(res, 200, {
        text: `transcribed ${file instanceof Blob ? file.size : 0} bytes with ${form.get("model")}`,
      });
    }
    default:
      return sendError(res, 404, null, `Invalid URL (/v1${path})`);
  }
}

/** The native surface: `POST /native/models/{model}:generate`, `GET /native/models`. */
function serveNative(req: IncomingMessage, res: ServerResponse, path: string, o: FakeUpstreamOptions) {
  const models = o.models ?? FAKE_MODELS;
  if (req.method === "GET" && path === "/native/models") return sendJson(res, 200, { models });
  const model = /^\/native\/models\/([^/:]+):generate$/.exec(path)?.[1];
  if (req.method !== "POST" || !model) return sendJson(res, 404, { fault: { status: 404, code: "not_found" } });
  sendJson(res, 200, { model, text: "Hello from the fake native surface" });
}
