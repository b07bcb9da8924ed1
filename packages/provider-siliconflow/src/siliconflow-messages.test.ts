/**
 * The Anthropic Messages surface end to end, with the official Anthropic SDK as the client:
 * SDK → gateway → SiliconFlow mock (`/v1/messages`), plain and streamed, the client token in
 * `x-api-key`, usage counted, and every gateway-made error in the Messages API's shape.
 */
import Anthropic from "@anthropic-ai/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT, type SiliconFlowE2E, sfKey, startSiliconFlowE2E } from "./siliconflow-e2e-support.js";
import { MESSAGES_INPUT_TOKENS, MESSAGES_WORDS } from "./testing/mock-siliconflow-messages.js";

const OK = sfKey("k");
const DEAD = sfKey("m");
const MODEL = "deepseek-ai/DeepSeek-V3";
const request = { model: MODEL, max_tokens: 64, messages: [{ role: "user" as const, content: "Hi" }] };

let e2e: SiliconFlowE2E;
const client = (apiKey = CLIENT, path = "") =>
  new Anthropic({ apiKey, baseURL: `${e2e.origin}${path}`, maxRetries: 0 });
const tokensToday = () => e2e.gateway.usage.local("token", "config-1");

beforeAll(async () => {
  e2e = await startSiliconFlowE2E([
    [DEAD, "invalid"],
    [OK, "ok"],
  ]);
});
afterAll(() => e2e.close());

describe("Messages surface with the Anthropic SDK", () => {
  it("answers a plain message at the bare /v1/messages, the client token in x-api-key", async () => {
    const before = tokensToday()?.promptTokens ?? 0;
    const message = await client().messages.create(request);
    expect(message.content[0]).toEqual({ type: "text", text: MESSAGES_WORDS.join("") });
    expect(message.usage.input_tokens).toBe(MESSAGES_INPUT_TOKENS);
    const sent = e2e.mock.requests.filter((r) => r.path === "/v1/messages").at(-1);
    // The pool key travels in x-api-key; the client's token never reaches the upstream.
    expect(sent?.headers["x-api-key"]).toBe(OK);
    expect(sent?.headers.authorization).toBeUndefined();
    // The SDK's own `anthropic-version`, passed through.
    expect(sent?.headers["anthropic-version"]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(e2e.mock.requests.map((r) => r.headers))).not.toContain(CLIENT);
    expect((tokensToday()?.promptTokens ?? 0) - before).toBe(MESSAGES_INPUT_TOKENS);
  });

  it("streams through untouched under the provider mount, usage from message_start and message_delta", async () => {
    const before = { ...tokensToday() };
    const stream = client(CLIENT, "/siliconflow").messages.stream(request);
    const types: string[] = [];
    stream.on("streamEvent", (event) => void types.push(event.type));
    const final = await stream.finalMessage();
    expect(final.content[0]).toMatchObject({ text: MESSAGES_WORDS.join("") });
    expect(final.usage.output_tokens).toBe(MESSAGES_WORDS.length);
    expect(types[0]).toBe("message_start");
    expect(types.at(-1)).toBe("message_stop");
    const after = tokensToday();
    expect((after?.promptTokens ?? 0) - (before.promptTokens ?? 0)).toBe(MESSAGES_INPUT_TOKENS);
    expect((after?.completionTokens ?? 0) - (before.completionTokens ?? 0)).toBe(MESSAGES_WORDS.length);
  });

  it("passes the SSE stream through byte for byte (event: lines, ping) with anthropic-version", async () => {
    const init = (key: string) => ({
      method: "POST",
      headers: { "x-api-key": key, "content-type": "application/json", "anthropic-version": "2023-06-01" },
      body: JSON.stringify({ ...request, stream: true }),
    });
    const direct = await (await fetch(`${e2e.mock.baseURL}/messages`, init(OK))).text();
    const res = await fetch(`${e2e.origin}/siliconflow/v1/messages`, init(CLIENT));
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    expect(await res.text()).toBe(direct);
    expect(direct).toContain("event: ping\n");
    expect(e2e.mock.requests.at(-1)?.headers["anthropic-version"]).toBe("2023-06-01");
  });

  it("counts tokens at /v1/messages/count_tokens", async () => {
    const counted = await client().messages.countTokens({ model: MODEL, messages: request.messages });
    expect(counted.input_tokens).toBe(MESSAGES_INPUT_TOKENS);
  });

  it("ends a stream that breaks mid-answer with an Anthropic error event", async () => {
    e2e.mock.setBehaviour(OK, "stream-breaks");
    try {
      const res = await fetch(`${e2e.origin}/v1/messages`, {
        method: "POST",
        headers: { "x-api-key": CLIENT, "content-type": "application/json", "anthropic-version": "2023-06-01" },
        body: JSON.stringify({ ...request, stream: true }),
      });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain("event: message_start");
      const last = text.trim().split("\n\n").at(-1) ?? "";
      expect(last.split("\n")[0]).toBe("event: error");
      expect(JSON.parse(last.split("\n")[1]?.slice("data: ".length) ?? "")).toMatchObject({
        type: "error",
        error: { type: "api_error" },
      });
      // The SDK raises it as an error, not a short answer.
      await expect(client().messages.stream(request).finalMessage()).rejects.toThrow(/interrupted/);
    } finally {
      e2e.mock.setBehaviour(OK, "ok");
    }
  });
});

describe("gateway errors on the Messages surface are in its shape", () => {
  const raw = (body: unknown, headers: Record<string, string> = { "x-api-key": CLIENT }, path = "/v1/messages") =>
    fetch(`${e2e.origin}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", "anthropic-version": "2023-06-01", ...headers },
      body: typeof body === "string" ? body : JSON.stringify(body),
    });
  const expectError = async (res: Response, status: number, type: string) => {
    expect(res.status).toBe(status);
    const body = (await res.json()) as { type: string; error: { type: string; message: string } };
    expect(body.type).toBe("error");
    expect(body.error.type).toBe(type);
    expect(body.error.message.length).toBeGreaterThan(0);
  };

  it("401 authentication_error for a bad token, raised by the SDK as AuthenticationError", async () => {
    await expectError(await raw(request, { "x-api-key": "kh-wrong" }), 401, "authentication_error");
    await expect(client("kh-wrong").messages.create(request)).rejects.toBeInstanceOf(Anthropic.AuthenticationError);
  });

  it("400 invalid_request_error for a body that is no JSON", async () => {
    await expectError(await raw("{not json"), 400, "invalid_request_error");
  });

  it("403 permission_error outside a token's scope", async () => {
    const scoped = await e2e.token({ models: ["Qwen/Qwen3-8B"] });
    await expectError(await raw(request, { "x-api-key": scoped }), 403, "permission_error");
    await expect(client(scoped).messages.create(request)).rejects.toBeInstanceOf(Anthropic.PermissionDeniedError);
  });

  it("429 rate_limit_error past a token's limit, with retry-after", async () => {
    const limited = await e2e.token({ rpm: 1 });
    expect((await raw(request, { "x-api-key": limited })).status).toBe(200);
    const res = await raw(request, { "x-api-key": limited });
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    await expectError(res, 429, "rate_limit_error");
  });

  it("404 not_found_error for a model no Messages provider claims", async () => {
    await expectError(await raw({ ...request, model: "claude-sonnet-4" }), 404, "not_found_error");
  });

  it("503 overloaded_error with no usable key", async () => {
    const empty = await startSiliconFlowE2E([]);
    try {
      const res = await fetch(`${empty.origin}/siliconflow/v1/messages`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-api-key": CLIENT },
        body: JSON.stringify(request),
      });
      await expectError(res, 503, "overloaded_error");
    } finally {
      await empty.close();
    }
  });

  it("serves Messages through the OpenAI-compatible adapter configured for a relay", async () => {
    const message = await client(CLIENT, "/relay").messages.create(request);
    expect(message.content[0]).toMatchObject({ text: MESSAGES_WORDS.join("") });
    expect(e2e.mock.requests.at(-1)?.headers["x-api-key"]).toBe(OK);
  });

  it("passes the upstream's own refusal through as it is", async () => {
    const res = await raw({ model: MODEL, messages: request.messages });
    await expectError(res, 400, "invalid_request_error");
    expect(e2e.errors).toEqual([]);
  });
});
