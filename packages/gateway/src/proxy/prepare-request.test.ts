import { describe, expect, it } from "vitest";
import { prepareRequest } from "./prepare-request.js";
import { describeBody } from "./read-body.js";

const encode = (s: string) => new TextEncoder().encode(s).buffer as ArrayBuffer;

async function prepare(text: string, options: { model?: string; stream?: boolean } = {}) {
  const body = encode(text);
  const facts = await describeBody(body, "application/json");
  const { request, addUsage } = prepareRequest({
    target: { api: "openai", path: "/chat/completions" },
    method: "POST",
    headers: new Headers(),
    search: "?x=1",
    body,
    facts,
    model: options.model ?? facts.model,
    requestedModel: facts.model,
    stream: options.stream ?? facts.stream,
    injectStreamUsage: true,
  });
  return { request, addUsage, sent: new TextDecoder().decode(request.body as ArrayBuffer) };
}

describe("prepareRequest", () => {
  it("passes a non-stream body through byte for byte", async () => {
    const text = ' {"model":"m",  "messages":[]} ';
    const { sent, addUsage } = await prepare(text);
    expect(sent).toBe(text);
    expect(addUsage).toBe(false);
  });

  it("asks a stream for usage by splicing one field in, leaving the rest untouched", async () => {
    const { sent, addUsage } = await prepare(
      '\n{ "model":"m","stream":true,"messages":[{"role":"user","content":"{x}"}]}',
    );
    expect(addUsage).toBe(true);
    expect(JSON.parse(sent)).toEqual({
      stream_options: { include_usage: true },
      model: "m",
      stream: true,
      messages: [{ role: "user", content: "{x}" }],
    });
  });

  it("merges into existing stream_options and rewrites a prefixed model", async () => {
    const { sent } = await prepare('{"model":"openai:m","stream":true,"stream_options":{"x":1}}', { model: "m" });
    expect(JSON.parse(sent)).toEqual({ model: "m", stream: true, stream_options: { x: 1, include_usage: true } });
  });

  it("passes the query on as given (client credentials are removed before, see client-credentials.test.ts)", async () => {
    const { request } = await prepare('{"model":"m"}');
    expect(request.search).toBe("?x=1");
  });
});
