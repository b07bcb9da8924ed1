/**
 * A faithful mock of SiliconFlow (`https://api.siliconflow.cn/v1`): the OpenAI-compatible routes
 * under `/v1`, `GET /v1/user/info` with its real shape (amounts as numeric strings), free models
 * that zero-balance keys may still call, 403 "insufficient balance" for paid ones, and SSE; the
 * Anthropic Messages API at `/v1/messages` (mock-siliconflow-messages.ts) and SiliconFlow's own
 * video and voice routes (mock-siliconflow-vendor.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, type RequestLog, recordRequest, sendJson, startMockServer } from "@keyhive/gateway/testing";
import { messagesKey, serveMessages } from "./mock-siliconflow-messages.js";
import { SILICONFLOW_ROUTES, type SiliconFlowRouteContext, sendUserInfo } from "./mock-siliconflow-routes.js";
import type { MockSiliconFlow, MockSiliconFlowOptions, SiliconFlowKeyBehaviour } from "./mock-siliconflow-types.js";
import { serveVendorRoute } from "./mock-siliconflow-vendor.js";

export type { MockSiliconFlow, MockSiliconFlowOptions, SiliconFlowKeyBehaviour } from "./mock-siliconflow-types.js";

export const MOCK_SILICONFLOW_FREE_MODELS = [
  "Qwen/Qwen3-8B",
  "Qwen/Qwen2.5-7B-Instruct",
  "THUDM/glm-4-9b-chat",
  "BAAI/bge-m3",
  "BAAI/bge-reranker-v2-m3",
  "Kwai-Kolors/Kolors",
  "FunAudioLLM/SenseVoiceSmall",
];

const DEFAULT_PAID_MODELS = [
  "deepseek-ai/DeepSeek-V3",
  "Qwen/Qwen3-235B-A22B",
  "Pro/deepseek-ai/DeepSeek-R1",
  "FunAudioLLM/CosyVoice2-0.5B",
];

/** The mock's state, shared by its request handler and the handle it returns. */
interface MockSiliconFlowState {
  options: MockSiliconFlowOptions;
  keys: Map<string, SiliconFlowKeyBehaviour>;
  freeModels: Set<string>;
  paidModels: string[];
  log: RequestLog;
}

export async function startMockSiliconFlow(options: MockSiliconFlowOptions = {}): Promise<MockSiliconFlow> {
  const state: MockSiliconFlowState = {
    options,
    keys: new Map(Object.entries(options.keys ?? {})),
    freeModels: new Set(options.freeModels ?? MOCK_SILICONFLOW_FREE_MODELS),
    paidModels: options.paidModels ?? DEFAULT_PAID_MODELS,
    log: { requests: [], requestsByKey: new Map() },
  };
  const server = await startMockServer((req, res, body) => handle(state, req, res, body));
  return {
    ...server,
    baseURL: `${server.url}/v1`,
    requestsByKey: state.log.requestsByKey,
    requests: state.log.requests,
    setBehaviour: (key, behaviour) => void state.keys.set(key, behaviour),
    reset() {
      state.log.requestsByKey.clear();
      state.log.requests.length = 0;
    },
  };
}

/** Records the request, authenticates it, answers key-wide states, then serves the route. */
async function handle(state: MockSiliconFlowState, req: IncomingMessage, res: ServerResponse, body: Buffer) {
  const url = new URL(req.url ?? "/", "http://mock");
  // The Messages API's clients send their key in `x-api-key`.
  const messages = url.pathname.startsWith("/v1/messages");
  const key = messages ? messagesKey(req) : bearerToken(req);
  recordRequest(state.log, {
    method: req.method ?? "GET",
    path: url.pathname + url.search,
    headers: req.headers,
    body,
    key,
  });
  if (!url.pathname.startsWith("/v1/")) return notFound(res);
  const path = url.pathname.slice(3);

  const behaviour = key ? state.keys.get(key) : undefined;
  if (messages) return serveMessages(res, messagesContext(state, path, behaviour, body));
  if (!key || !behaviour || behaviour === "invalid") {
    res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
    return void res.end("Invalid token");
  }
  if (req.method === "GET" && path === "/user/info") return sendUserInfo(res, key, behaviour, state.options);
  if (answerKeyState(res, behaviour, state.options)) return;
  const vendor = { method: req.method ?? "GET", path, contentType: req.headers["content-type"] ?? "", body };
  if (await serveVendorRoute(res, vendor)) return;
  if (req.method === "GET" && path === "/models") {
    return sendJson(res, 200, {
      object: "list",
      data: [...state.freeModels, ...state.paidModels].map((id) => ({ id, object: "model", created: 0, owned_by: "" })),
    });
  }

  const parsed = await parseBody(req.headers["content-type"] ?? "", body);
  if (!parsed) return sendJson(res, 400, { code: 20015, message: "Invalid JSON body", data: null });
  const { json, model } = parsed;
  if (req.method === "POST" && refuseModel(res, state, behaviour, model)) return;
  const route = SILICONFLOW_ROUTES[`${req.method} ${path}`];
  if (!route) return notFound(res);
  const context: SiliconFlowRouteContext = { path, json, model, chunkDelayMs: state.options.chunkDelayMs ?? 10 };
  return route(res, context);
}

/** Rate limits and overload hit every model route; returns false when the key may go on. */
function answerKeyState(res: ServerResponse, behaviour: SiliconFlowKeyBehaviour, options: MockSiliconFlowOptions) {
  if (behaviour === "rate-limited") {
    const message =
      "Request was rejected due to rate limiting. If you want more, please contact contact@siliconflow.cn. Details:TPM limit reached.";
    sendJson(res, 429, { message, data: null }, { "retry-after": String(options.retryAfterSeconds ?? 2) });
    return true;
  }
  if (behaviour === "overloaded") {
    sendJson(res, 503, { code: 50505, message: "Model service overloaded. Please try again later.", data: null });
    return true;
  }
  return false;
}

/** A JSON or multipart body with the model it names; undefined when the JSON does not parse. */
async function parseBody(contentType: string, body: Buffer) {
  let json: Record<string, unknown> = {};
  let model: string | undefined;
  if (contentType.includes("application/json")) {
    try {
      json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
    } catch {
      return undefined;
    }
    model = typeof json.model === "string" ? json.model : undefined;
  } else if (contentType.includes("multipart/form-data")) {
    const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
    model = String(form.get("model") ?? "");
    json = { form };
  }
  return { json, model };
}

/** Unknown models, and paid ones for a zero-balance key; returns false when the model may be called. */
function refuseModel(
  res: ServerResponse,
  state: MockSiliconFlowState,
  behaviour: SiliconFlowKeyBehaviour,
  model: string | undefined,
): boolean {
  if (!model || (!state.freeModels.has(model) && !state.paidModels.includes(model))) {
    sendJson(res, 400, { code: 20012, message: "Model does not exist. Please check it carefully.", data: null });
    return true;
  }
  if (behaviour === "zero-balance" && !state.freeModels.has(model)) {
    sendJson(res, 403, { code: 30001, message: "Sorry, your account balance is insufficient", data: null });
    return true;
  }
  return false;
}

function messagesContext(
  state: MockSiliconFlowState,
  path: string,
  behaviour: SiliconFlowKeyBehaviour | undefined,
  body: Buffer,
) {
  const { chunkDelayMs = 10, retryAfterSeconds = 2 } = state.options;
  return {
    path,
    behaviour,
    body,
    freeModels: state.freeModels,
    paidModels: state.paidModels,
    chunkDelayMs,
    retryAfterSeconds,
  };
}

function notFound(res: ServerResponse) {
  sendJson(res, 404, { code: 404, message: "Not Found", data: null });
}
