/**
 * A small DeepSeek mock for this package's tests, built on the kit's `startMockServer`:
 * `/chat/completions` (JSON and SSE with keep-alive comments), `/models`, `/user/balance`.
 */
import { sendJson, sleep, startMockServer } from "@keyhive/gateway/testing";

export type DeepSeekKeyBehaviour = "ok" | "broke" | "busy";

export async function startMockDeepSeek(keys: Record<string, DeepSeekKeyBehaviour>) {
  const requests: { path: string; key?: string; headers: Record<string, unknown> }[] = [];
  const server = await startMockServer(async (req, res, body) => {
    const url = new URL(req.url ?? "/", "http://mock");
    const key = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];
    requests.push({ path: url.pathname + url.search, key, headers: req.headers });
    const behaviour = key ? keys[key] : undefined;
    if (!behaviour) {
      return sendJson(res, 401, {
        error: {
          message: `Authentication Fails, Your api key: ****${key?.slice(-4) ?? ""} is invalid`,
          type: "authentication_error",
          param: null,
          code: "invalid_request_error",
        },
      });
    }
    const route = `${req.method} ${url.pathname.replace(/^\/v1(?=\/)/, "")}`;
    if (route === "GET /user/balance") {
      const broke = behaviour === "broke";
      return sendJson(res, 200, {
        is_available: !broke,
        balance_infos: [
          broke
            ? { currency: "CNY", total_balance: "0.00", granted_balance: "0.00", topped_up_balance: "0.00" }
            : { currency: "CNY", total_balance: "110.00", granted_balance: "10.00", topped_up_balance: "100.00" },
        ],
      });
    }
    if (route === "GET /models") {
      return sendJson(res, 200, {
        object: "list",
        data: ["deepseek-chat", "deepseek-reasoner"].map((id) => ({ id, object: "model", owned_by: "deepseek" })),
      });
    }
    if (route !== "POST /chat/completions") {
      return sendJson(res, 404, { error: { message: "Not Found", type: "invalid_request_error", code: null } });
    }
    if (behaviour === "broke") {
      return sendJson(res, 402, {
        error: { message: "Insufficient Balance", type: "unknown_error", param: null, code: "invalid_request_error" },
      });
    }
    if (behaviour === "busy") {
      return sendJson(res, 503, {
        error: {
          message: "Service is too busy. Please try again later.",
          type: "service_unavailable_error",
          code: null,
        },
      });
    }
    const json = JSON.parse(body.toString("utf8")) as { model?: string; stream?: boolean };
    const words = ["Hello", "!", " How", " can", " I", " help", "?"];
    if (!json.stream) {
      return sendJson(res, 200, {
        id: "ds-mock",
        object: "chat.completion",
        created: Math.floor(Date.now() / 1000),
        model: json.model,
        choices: [{ index: 0, message: { role: "assistant", content: words.join("") }, finish_reason: "stop" }],
        usage: { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length },
      });
    }
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" });
    // DeepSeek keeps a waiting connection alive with SSE comments before the first token.
    res.write(": keep-alive\n\n");
    for (const word of words) {
      await sleep(10);
      res.write(
        `data: ${JSON.stringify({ id: "ds-mock", object: "chat.completion.chunk", model: json.model, choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`,
      );
    }
    res.write("data: [DONE]\n\n");
    res.end();
  });
  return { ...server, baseURL: server.url, requests };
}
