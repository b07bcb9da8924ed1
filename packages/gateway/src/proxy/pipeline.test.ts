import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, CLIENT_TOKEN, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { roundRobin } from "../pool/strategies.js";

// One rig for the first three describes: their tests build on each other's keys.
let rig: TestRig;
beforeAll(async () => {
  rig = await startRig(
    { keys: { "sk-good-key-1": "ok", "sk-slow-key-1": "slow", "sk-dead-key-1": "invalid" }, slowMs: 250 },
    { strategy: roundRobin(), bodyLimit: 64 * 1024 },
  );
});
afterAll(() => rig.close());
afterEach(() => rig.upstream.reset());

describe("proxy pipeline over real HTTP: keys and the pool key", () => {
  it("adds keys through the admin API and reports added, duplicates and rejected", async () => {
    const res = await rig.addKeys(["sk-good-key-1", "sk-good-key-1", "bad key with spaces"]);
    expect(res.status).toBe(201);
    const body = (await res.json()) as {
      added: { key: string }[];
      duplicates: unknown[];
      rejected: { reason: string }[];
    };
    expect(body.added).toHaveLength(1);
    expect(body.added[0]?.key).not.toContain("good-key");
    expect(body.rejected).toHaveLength(1);
    const again = (await (await rig.addKeys(["sk-good-key-1"])).json()) as { duplicates: unknown[] };
    expect(again.duplicates).toHaveLength(1);
  });

  it("proxies a chat completion with the pool key and without the client's token", async () => {
    const res = await rig.call("/v1/chat/completions", { json: chatBody() });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(json.choices[0]?.message.content).toContain("Hello");
    const seen = rig.upstream.requests.at(-1);
    expect(seen?.headers.authorization).toBe("Bearer sk-good-key-1");
    expect(JSON.stringify(seen?.headers)).not.toContain(CLIENT_TOKEN);
    expect(JSON.parse(seen?.body.toString() ?? "{}")).toEqual(chatBody());
  });
});

describe("proxy pipeline over real HTTP: streams", () => {
  it("streams the first SSE chunk before the upstream has finished (no buffering)", async () => {
    await rig.addKeys(["sk-slow-key-1"]);
    rig.gateway.pool.patch(rig.gateway.pool.keysOf("fake").find((k) => k.secret === "sk-good-key-1")!.id, {
      status: "disabled",
    });
    try {
      const res = await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) });
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const reader = res.body!.getReader();
      const first = new TextDecoder().decode((await reader.read()).value);
      expect(first).toMatch(/^data: /);
      // The upstream is still writing: the chunk was forwarded, not held until the end.
      expect(rig.upstream.openStreams).toBe(1);
      let rest = "";
      for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
      expect(rest).toContain("data: [DONE]");
    } finally {
      rig.gateway.pool.patch(rig.gateway.pool.keysOf("fake").find((k) => k.secret === "sk-good-key-1")!.id, {
        status: "active",
      });
    }
  });

  it("aborts the upstream request when the client disconnects mid-stream", async () => {
    rig.gateway.pool.patch(rig.gateway.pool.keysOf("fake").find((k) => k.secret === "sk-good-key-1")!.id, {
      status: "disabled",
    });
    try {
      const controller = new AbortController();
      const res = await rig.call("/v1/chat/completions", {
        json: chatBody({ stream: true }),
        signal: controller.signal,
      });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      const deadline = Date.now() + 3000;
      while (rig.upstream.aborted === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(rig.upstream.aborted).toBe(1);
    } finally {
      rig.gateway.pool.patch(rig.gateway.pool.keysOf("fake").find((k) => k.secret === "sk-good-key-1")!.id, {
        status: "active",
      });
    }
  });
});

describe("proxy pipeline over real HTTP: failover, errors, routes", () => {
  it("fails over to another key when one answers 401, and retires the dead key", async () => {
    await rig.addKeys(["sk-dead-key-1"]);
    for (let i = 0; i < 4; i++) {
      const res = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(res.status).toBe(200);
    }
    const dead = rig.gateway.pool.keysOf("fake").find((k) => k.secret === "sk-dead-key-1");
    expect(dead?.status).toBe("invalid");
    expect(rig.upstream.requestsByKey.get("sk-dead-key-1")).toBe(1);
  });

  it("passes a client error through unchanged and does not retry it", async () => {
    const res = await rig.call("/v1/chat/completions", { json: chatBody({ model: "missing-model" }) });
    expect(res.status).toBe(404);
    const body = (await res.json()) as { error: { code: string } };
    expect(body.error.code).toBe("model_not_found");
    expect(rig.upstream.requests).toHaveLength(1);
  });

  it("answers OpenAI-style errors with precise statuses", async () => {
    const noToken = await fetch(`${rig.url}/v1/chat/completions`, { method: "POST", body: "{}" });
    expect(noToken.status).toBe(401);
    expect(((await noToken.json()) as { error: { type: string } }).error.type).toBe("authentication_error");

    const badToken = await rig.call("/v1/models", { headers: { authorization: "Bearer nope" } });
    expect(badToken.status).toBe(401);

    const badJson = await rig.call("/v1/chat/completions", {
      method: "POST",
      body: "{not json",
      headers: { "content-type": "application/json" },
    });
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: { code: string } }).error.code).toBe("invalid_json");

    const unknown = await rig.call("/v1/nothing-here");
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("unknown_route");

    const tooLarge = await rig.call("/v1/chat/completions", { json: chatBody({ pad: "x".repeat(70 * 1024) }) });
    expect(tooLarge.status).toBe(413);
    expect(rig.upstream.requests).toHaveLength(0);

    const adminNoAuth = await fetch(`${rig.url}/admin/api/keys`);
    expect(adminNoAuth.status).toBe(401);
    const adminOk = await fetch(`${rig.url}/admin/api/keys`, {
      headers: { authorization: `Bearer ${ADMIN_PASSWORD}` },
    });
    expect(adminOk.status).toBe(200);
    expect(JSON.stringify(await adminOk.json())).not.toContain("sk-good-key-1");
  });

  it("routes per-provider mounts and passes multipart and binary bodies through", async () => {
    const models = await rig.call("/fake/v1/models");
    expect(models.status).toBe(200);
    expect(((await models.json()) as { data: unknown[] }).data.length).toBeGreaterThan(0);

    const form = new FormData();
    form.set("model", "whisper-1");
    form.set("file", new Blob([new Uint8Array(1234)], { type: "audio/wav" }), "a.wav");
    const transcription = await rig.call("/v1/audio/transcriptions", { method: "POST", body: form });
    expect(transcription.status).toBe(200);
    expect(((await transcription.json()) as { text: string }).text).toBe("transcribed 1234 bytes with whisper-1");

    const speech = await rig.call("/v1/audio/speech", { json: { model: "tts-1", input: "hi", voice: "alloy" } });
    expect(speech.headers.get("content-type")).toBe("audio/mpeg");
    expect(Buffer.from(await speech.arrayBuffer()).toString()).toBe("ID3fake-mp3-bytes");

    const cors = await fetch(`${rig.url}/v1/chat/completions`, { method: "OPTIONS" });
    expect(cors.status).toBe(204);
    expect(cors.headers.get("access-control-allow-origin")).toBe("*");
  });
});

describe("proxy pipeline without usable keys", () => {
  it("answers 503 no_available_key with an empty pool", async () => {
    const rig = await startRig({});
    try {
      const res = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(res.status).toBe(503);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("no_available_key");
    } finally {
      await rig.close();
    }
  });

  it("answers 429 with retry-after when every key is cooling, showing the upstream's message", async () => {
    const rig = await startRig({
      keys: { "sk-limited-1": "rate-limited", "sk-limited-2": "rate-limited" },
      retryAfterSeconds: 30,
    });
    try {
      await rig.addKeys(["sk-limited-1", "sk-limited-2"]);
      const first = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(first.status).toBe(429);
      expect(((await first.json()) as { error: { message: string } }).error.message).toContain("Rate limit reached");
      const second = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(second.status).toBe(429);
      expect(Number(second.headers.get("retry-after"))).toBeGreaterThan(25);
      expect(((await second.json()) as { error: { code: string } }).error.code).toBe("all_keys_cooling");
      expect(rig.upstream.requests).toHaveLength(2);
    } finally {
      await rig.close();
    }
  });

  it("ends a stream cut mid-answer with an explicit error event", async () => {
    const rig = await startRig({ keys: { "sk-cutter-1": "cut-mid-stream" } });
    try {
      await rig.addKeys(["sk-cutter-1"]);
      const res = await rig.call("/v1/chat/completions", { json: chatBody({ stream: true }) });
      expect(res.status).toBe(200);
      const text = await res.text();
      expect(text).toContain('"code":"stream_interrupted"');
      expect(text).not.toContain("[DONE]");
    } finally {
      await rig.close();
    }
  });
});
