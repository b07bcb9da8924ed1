/**
 * A faithful mock of SiliconFlow (`https://api.siliconflow.cn/v1`): the OpenAI-compatible routes
 * under `/v1`, `GET /v1/user/info` with its real shape (amounts as numeric strings), free models
 * that zero-balance keys may still call, 403 "insufficient balance" for paid ones, and SSE.
 */
import type { ServerResponse } from "node:http";
import type { RecordedRequest } from "./mock-openai.js";
import { type MockServer, sendJson, sleep, startMockServer } from "./mock-server.js";

/** How the mock treats a key. */
export type SiliconFlowKeyBehaviour =
  /** Has credit (`balance` "10.00" + `chargeBalance` "4.00" unless `balances` says otherwise). */
  | "ok"
  /** Authenticates with `totalBalance` "0.00": free models work, paid models answer 403 code 30001. */
  | "zero-balance"
  /** 401 `Invalid token` (plain text, as SiliconFlow answers). */
  | "invalid"
  /** 429 TPM limit with `retry-after`. */
  | "rate-limited"
  /** 503 code 50505 "Model service overloaded". */
  | "overloaded"
  /** `/user/info` answers 500; the other routes work. */
  | "info-broken";

export interface MockSiliconFlowOptions {
  /** Behaviour per key; keys not listed get 401. */
  keys?: Record<string, SiliconFlowKeyBehaviour>;
  /** Balances per key as SiliconFlow spells them (numeric strings). */
  balances?: Record<string, { balance: string; chargeBalance: string }>;
  /** Models zero-balance keys may call. */
  freeModels?: string[];
  /** Paid models listed besides the free ones. */
  paidModels?: string[];
  /** Delay between SSE chunks, so streams arrive in several reads. @default 10 */
  chunkDelayMs?: number;
  /** `retry-after` seconds of rate-limited keys. @default 2 */
  retryAfterSeconds?: number;
}

export interface MockSiliconFlow extends MockServer {
  /** `http://127.0.0.1:<port>/v1` */
  baseURL: string;
  requestsByKey: Map<string, number>;
  requests: RecordedRequest[];
  setBehaviour(key: string, behaviour: SiliconFlowKeyBehaviour): void;
  reset(): void;
}

export const MOCK_SILICONFLOW_FREE_MODELS = [
  "Qwen/Qwen3-8B",
  "Qwen/Qwen2.5-7B-Instruct",
  "THUDM/glm-4-9b-chat",
  "BAAI/bge-m3",
  "BAAI/bge-reranker-v2-m3",
  "Kwai-Kolors/Kolors",
  "FunAudioLLM/SenseVoiceSmall",
];

const WORDS = ["你好", "，", "I am", " a SiliconFlow", " mock", "."];

export async function startMockSiliconFlow(options: MockSiliconFlowOptions = {}): Promise<MockSiliconFlow> {
  const keys = new Map(Object.entries(options.keys ?? {}));
  const freeModels = new Set(options.freeModels ?? MOCK_SILICONFLOW_FREE_MODELS);
  const paidModels = options.paidModels ?? [
    "deepseek-ai/DeepSeek-V3",
    "Qwen/Qwen3-235B-A22B",
    "Pro/deepseek-ai/DeepSeek-R1",
    "FunAudioLLM/CosyVoice2-0.5B",
  ];
  const chunkDelayMs = options.chunkDelayMs ?? 10;
  const requestsByKey = new Map<string, number>();
  const requests: RecordedRequest[] = [];

  const server = await startMockServer(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, headers: req.headers, body, key });
    if (key) requestsByKey.set(key, (requestsByKey.get(key) ?? 0) + 1);
    if (!url.pathname.startsWith("/v1/")) return notFound(res);
    const path = url.pathname.slice(3);

    const behaviour = key ? keys.get(key) : undefined;
    if (!key || !behaviour || behaviour === "invalid") {
      res.writeHead(401, { "content-type": "text/plain; charset=utf-8" });
      return void res.end("Invalid token");
    }
    if (req.method === "GET" && path === "/user/info") {
      if (behaviour === "info-broken")
        return sendJson(res, 500, { code: 50000, message: "Internal error", data: null });
      const amounts =
        options.balances?.[key] ??
        (behaviour === "zero-balance"
          ? { balance: "0.00", chargeBalance: "0.00" }
          : { balance: "10.00", chargeBalance: "4.00" });
      const total = (Number(amounts.balance) + Number(amounts.chargeBalance)).toFixed(2);
      return sendJson(res, 200, {
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
    if (behaviour === "rate-limited") {
      return sendJson(
        res,
        429,
        {
          message:
            "Request was rejected due to rate limiting. If you want more, please contact contact@siliconflow.cn. Details:TPM limit reached.",
          data: null,
        },
        { "retry-after": String(options.retryAfterSeconds ?? 2) },
      );
    }
    if (behaviour === "overloaded") {
      return sendJson(res, 503, {
        code: 50505,
        message: "Model service overloaded. Please try again later.",
        data: null,
      });
    }
    if (req.method === "GET" && path === "/models") {
      return sendJson(res, 200, {
        object: "list",
        data: [...freeModels, ...paidModels].map((id) => ({ id, object: "model", created: 0, owned_by: "" })),
      });
    }

    const contentType = req.headers["content-type"] ?? "";
    let json: Record<string, unknown> = {};
    let model: string | undefined;
    if (contentType.includes("application/json")) {
      try {
        json = JSON.parse(body.toString("utf8")) as Record<string, unknown>;
      } catch {
        return sendJson(res, 400, { code: 20015, message: "Invalid JSON body", data: null });
      }
      model = typeof json.model === "string" ? json.model : undefined;
    } else if (contentType.includes("multipart/form-data")) {
      const form = await new Response(new Uint8Array(body), { headers: { "content-type": contentType } }).formData();
      model = String(form.get("model") ?? "");
      json = { form };
    }
    if (req.method === "POST") {
      if (!model || (!freeModels.has(model) && !paidModels.includes(model))) {
        return sendJson(res, 400, {
          code: 20012,
          message: "Model does not exist. Please check it carefully.",
          data: null,
        });
      }
      if (behaviour === "zero-balance" && !freeModels.has(model)) {
        return sendJson(res, 403, { code: 30001, message: "Sorry, your account balance is insufficient", data: null });
      }
    }

    switch (`${req.method} ${path}`) {
      case "POST /chat/completions":
      case "POST /completions": {
        const chat = path === "/chat/completions";
        if (json.stream === true) return streamChat(res, { chat, model: model as string, delay: chunkDelayMs });
        const text = WORDS.join("");
        return sendJson(res, 200, {
          id: "0195mock",
          object: chat ? "chat.completion" : "text_completion",
          created: Math.floor(Date.now() / 1000),
          model,
          choices: [
            chat
              ? { index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }
              : { index: 0, text, finish_reason: "stop" },
          ],
          usage: { prompt_tokens: 8, completion_tokens: WORDS.length, total_tokens: 8 + WORDS.length },
          system_fingerprint: "",
        });
      }
      case "POST /embeddings": {
        const input = Array.isArray(json.input) ? json.input : [json.input];
        return sendJson(res, 200, {
          model,
          data: input.map((_, index) => ({ object: "embedding", embedding: [0.011, -0.02, 0.033], index })),
          usage: { prompt_tokens: 3 * input.length, completion_tokens: 0, total_tokens: 3 * input.length },
        });
      }
      case "POST /rerank": {
        const documents = Array.isArray(json.documents) ? json.documents : [];
        return sendJson(res, 200, {
          id: "0195rerank",
          results: documents.map((_, index) => ({ index, relevance_score: 0.9 / (index + 1) })),
          meta: { billed_units: { search_units: 0 }, tokens: { input_tokens: 12, output_tokens: 0 } },
        });
      }
      case "POST /images/generations":
        return sendJson(res, 200, {
          images: [{ url: "https://sc-maas.oss-cn-shanghai.aliyuncs.com/outputs/mock.png" }],
          timings: { inference: 1.2 },
          seed: 42,
          shared_id: "0",
          data: [{ url: "https://sc-maas.oss-cn-shanghai.aliyuncs.com/outputs/mock.png" }],
          created: Math.floor(Date.now() / 1000),
        });
      case "POST /audio/speech": {
        const audio = Buffer.from("ID3siliconflow-mock-audio");
        res.writeHead(200, { "content-type": "audio/mpeg", "content-length": audio.length });
        return void res.end(audio);
      }
      case "POST /audio/transcriptions": {
        const form = json.form instanceof FormData ? json.form : undefined;
        if (!form) return sendJson(res, 400, { code: 20015, message: "file is required", data: null });
        const file = form.get("file");
        return sendJson(res, 200, { text: `transcribed ${file instanceof Blob ? file.size : 0} bytes` });
      }
      default:
        return notFound(res);
    }
  });

  return {
    ...server,
    baseURL: `${server.url}/v1`,
    requestsByKey,
    requests,
    setBehaviour: (key, behaviour) => void keys.set(key, behaviour),
    reset() {
      requestsByKey.clear();
      requests.length = 0;
    },
  };
}

function notFound(res: ServerResponse) {
  sendJson(res, 404, { code: 404, message: "Not Found", data: null });
}

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
  res.write(
    `data: ${JSON.stringify(chunk("", "stop", { prompt_tokens: 8, completion_tokens: WORDS.length, total_tokens: 8 + WORDS.length }))}\n\n`,
  );
  res.write("data: [DONE]\n\n");
  res.end();
}
