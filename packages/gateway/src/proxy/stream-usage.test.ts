import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, seedKeys, startRig, type TestRig } from "../../test/support/index.js";

describe("token usage of streams", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({ keys: { "sk-usage-0001": "ok" }, streamWords: 6 });
    await seedKeys(rig.gateway, ["sk-usage-0001"]);
  });
  afterAll(() => rig.close());

  const tokensToday = () => rig.gateway.usage.local("token", "config-1");

  it("asks the upstream for usage, counts it, and hides it from a client that did not ask", async () => {
    const before = tokensToday()?.completionTokens ?? 0;
    const text = await (await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) })).text();
    const sent = JSON.parse(rig.upstream.requests.at(-1)?.body.toString() ?? "{}");
    expect(sent.stream_options).toEqual({ include_usage: true });
    expect(text).not.toContain('"usage"');
    expect(text).toContain("data: [DONE]");
    expect(text.match(/^data: /gm)).toHaveLength(6 + 3); // role chunk, 6 words, finish chunk, [DONE]
    expect((tokensToday()?.completionTokens ?? 0) - before).toBe(6);
  });

  it("passes the usage chunk through to a client that asked for it, and sends its body unchanged", async () => {
    const body = chatBody({ stream: true, stream_options: { include_usage: true } });
    const before = tokensToday()?.promptTokens ?? 0;
    const text = await (await rig.call("/v1/chat/completions", { json: body })).text();
    expect(JSON.parse(rig.upstream.requests.at(-1)?.body.toString() ?? "{}")).toEqual(body);
    expect(text).toContain('"usage":{"prompt_tokens":9');
    expect((tokensToday()?.promptTokens ?? 0) - before).toBe(9);
  });

  it("counts non-stream usage from the end of the body", async () => {
    const before = tokensToday()?.completionTokens ?? 0;
    await (await rig.call("/v1/chat/completions", { json: chatBody() })).json();
    expect((tokensToday()?.completionTokens ?? 0) - before).toBe(6);
  });
});
