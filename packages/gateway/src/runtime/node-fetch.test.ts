import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chatBody, type FakeUpstream, seedKeys, startFakeUpstream, startRig } from "../../test/support/index.js";
import { bufferedBodyOf } from "./buffered-body.js";
import { responseChunks } from "./chunk-source.js";
import { createNodeFetch } from "./node-fetch.js";

describe("createNodeFetch", () => {
  let upstream: FakeUpstream;
  const nodeFetch = createNodeFetch();
  beforeAll(async () => {
    upstream = await startFakeUpstream({ keys: { "sk-node-fetch-01": "ok", "sk-node-slow-01": "slow" }, slowMs: 150 });
  });
  afterAll(() => upstream.close());

  const chat = (key: string, stream: boolean) =>
    nodeFetch(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: new TextEncoder().encode(JSON.stringify({ model: "fake-chat-small", stream, messages: [] })).buffer,
    });

  it("reads small complete bodies whole and still answers every body method", async () => {
    const response = await chat("sk-node-fetch-01", false);
    expect(response.status).toBe(200);
    expect(bufferedBodyOf(response)?.byteLength).toBeGreaterThan(50);
    expect(((await response.json()) as { object: string }).object).toBe("chat.completion");
  });

  it("streams chunk by chunk through the attached source, and through .body for other callers", async () => {
    const response = await chat("sk-node-slow-01", true);
    const source = responseChunks(response);
    expect(source).not.toBeInstanceOf(ReadableStream);
    const first = await (source as { next(): Promise<{ value?: Uint8Array }> }).next();
    expect(new TextDecoder().decode(first.value)).toMatch(/^data: /);
    expect(upstream.openStreams).toBe(1); // the upstream is still writing

    const other = await chat("sk-node-fetch-01", true);
    expect(await other.text()).toContain("data: [DONE]");
    await (source as { cancel(): Promise<void> }).cancel();
  });

  it("cancelling the source aborts the upstream request", async () => {
    upstream.reset();
    const response = await chat("sk-node-slow-01", true);
    const source = responseChunks(response) as { next(): Promise<unknown>; cancel(): Promise<void> };
    await source.next();
    await source.cancel();
    const deadline = Date.now() + 2000;
    while (upstream.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(upstream.aborted).toBe(1);
  });

  it("reports an error status with its body", async () => {
    const response = await chat("sk-unknown-key-00", false);
    expect(response.status).toBe(401);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe("invalid_api_key");
  });
});

describe("the gateway on Node's pooled fetch", () => {
  it("streams without buffering, ends a cut stream with an error event, aborts on client disconnect", async () => {
    const rig = await startRig(
      { keys: { "sk-nf-slow-0001": "slow", "sk-nf-cut-00001": "cut-mid-stream" }, slowMs: 150 },
      { fetch: createNodeFetch() },
    );
    try {
      await seedKeys(rig.gateway, ["sk-nf-slow-0001"]);
      const res = await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) });
      const reader = res.body!.getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toMatch(/^data: /);
      expect(rig.upstream.openStreams).toBe(1);
      await reader.cancel();
      const deadline = Date.now() + 2000;
      while (rig.upstream.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(rig.upstream.aborted).toBe(1);

      rig.gateway.pool.patch(rig.gateway.pool.keysOf("fake")[0]!.id, { status: "disabled" });
      await seedKeys(rig.gateway, ["sk-nf-cut-00001"]);
      const cut = await (await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) })).text();
      expect(cut).toContain('"code":"stream_interrupted"');
    } finally {
      await rig.close();
    }
  });
});
