/**
 * Vendor pass-through end to end: SiliconFlow's own routes — which no gateway route knows —
 * forwarded under `/siliconflow/v1/` with a pooled key, bodies of any type byte for byte, with
 * failover, and model-scoped tokens refused when the model cannot be read.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT, type SiliconFlowE2E, sfKey, startSiliconFlowE2E } from "./siliconflow-e2e-support.js";

const OK = sfKey("k");
const DEAD = sfKey("m");
const VIDEO_MODEL = "Wan-AI/Wan2.1-T2V-14B";

let e2e: SiliconFlowE2E;
const call = (path: string, init: RequestInit = {}, token = CLIENT) =>
  fetch(`${e2e.origin}${path}`, { ...init, headers: { authorization: `Bearer ${token}`, ...init.headers } });
const postJson = (path: string, body: unknown, token = CLIENT) =>
  call(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }, token);
const lastUpstream = () => e2e.mock.requests.at(-1);

/** A multipart voice upload as a client's fetch encodes it: its bytes and content type. */
async function voiceUpload(): Promise<{ bytes: Uint8Array<ArrayBuffer>; contentType: string }> {
  const form = new FormData();
  form.set("model", "FunAudioLLM/CosyVoice2-0.5B");
  form.set("customName", "my-voice");
  form.set("text", "在一无所知中, 梦里的一天结束了");
  form.set("file", new Blob([new Uint8Array([0x49, 0x44, 0x33, 0, 255, 10, 13])], { type: "audio/mpeg" }), "a.mp3");
  const request = new Request("http://encode", { method: "POST", body: form });
  return { bytes: new Uint8Array(await request.arrayBuffer()), contentType: request.headers.get("content-type") ?? "" };
}

beforeAll(async () => {
  e2e = await startSiliconFlowE2E([
    [DEAD, "invalid"],
    [OK, "ok"],
  ]);
});
afterAll(() => e2e.close());

describe("SiliconFlow routes the gateway has no route for", () => {
  it("POST /v1/video/submit and /v1/video/status", async () => {
    const submitted = await postJson("/siliconflow/v1/video/submit", { model: VIDEO_MODEL, prompt: "a cat" });
    expect(submitted.status).toBe(200);
    const { requestId } = (await submitted.json()) as { requestId: string };
    expect(requestId).toBe("mock-video-request-0001");
    expect(lastUpstream()?.path).toBe("/v1/video/submit");
    const status = await postJson("/siliconflow/v1/video/status", { requestId });
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({
      status: "Succeed",
      results: { videos: [{ url: expect.any(String) }] },
    });
  });

  it("GET /v1/audio/voice/list and /v1/user/info, with the pool's key and never the client's", async () => {
    const voices = await call("/siliconflow/v1/audio/voice/list");
    expect(voices.status).toBe(200);
    expect(((await voices.json()) as { result: unknown[] }).result).toHaveLength(1);
    const info = await call("/siliconflow/v1/user/info?lang=en");
    expect(info.status).toBe(200);
    expect(await info.json()).toMatchObject({ code: 20000, data: { totalBalance: "14.00" } });
    expect(lastUpstream()?.path).toBe("/v1/user/info?lang=en");
    expect(lastUpstream()?.key).toBe(OK);
    expect(JSON.stringify(e2e.mock.requests.map((r) => r.headers))).not.toContain(CLIENT);
  });

  it("fails over from a dead key, resending a multipart upload byte for byte with its content type", async () => {
    // A gateway of its own, so the dead key is surely still in its pool when the uploads start.
    const fresh = await startSiliconFlowE2E([
      [DEAD, "invalid"],
      [OK, "ok"],
    ]);
    try {
      const upload = await voiceUpload();
      // Random selection: repeat until the dead key was drawn once (then it is out of the pool).
      for (let i = 0; i < 20 && !fresh.mock.requestsByKey.get(DEAD); i++) {
        const res = await fetch(`${fresh.origin}/siliconflow/v1/uploads/audio/voice`, {
          method: "POST",
          headers: { authorization: `Bearer ${CLIENT}`, "content-type": upload.contentType },
          body: upload.bytes,
        });
        expect(res.status).toBe(200);
        expect(((await res.json()) as { uri: string }).uri).toMatch(/^speech:my-voice:/);
        const sent = fresh.mock.requests.at(-1);
        expect(sent?.key).toBe(OK);
        expect(sent?.headers["content-type"]).toBe(upload.contentType);
        expect(new Uint8Array(sent?.body ?? [])).toEqual(upload.bytes);
      }
      expect(fresh.mock.requestsByKey.get(DEAD)).toBe(1);
      // The dead key's own attempt carried the same bytes.
      const dead = fresh.mock.requests.find((r) => r.key === DEAD);
      expect(new Uint8Array(dead?.body ?? [])).toEqual(upload.bytes);
    } finally {
      await fresh.close();
    }
  });
});

describe("SiliconFlow pass-through bodies and route precedence", () => {
  it("passes a binary body through byte for byte, and the upstream's own answer as it is", async () => {
    const bytes = new Uint8Array(1024).map((_, i) => (i * 7) % 256);
    const res = await call("/siliconflow/v1/files/raw-upload", {
      method: "PUT",
      headers: { "content-type": "application/octet-stream" },
      body: bytes,
    });
    // The mock has no such route: its 404 is the client's to see, not a key's failure.
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ code: 404, message: "Not Found", data: null });
    expect(lastUpstream()?.path).toBe("/v1/files/raw-upload");
    expect(lastUpstream()?.headers["content-type"]).toBe("application/octet-stream");
    expect(new Uint8Array(lastUpstream()?.body ?? [])).toEqual(bytes);
  });

  it("leaves known routes to the gateway and other paths unrouted", async () => {
    const chat = await postJson("/siliconflow/v1/chat/completions", {
      model: "Qwen/Qwen3-8B",
      messages: [{ role: "user", content: "Hi" }],
    });
    expect(chat.status).toBe(200);
    const outside = await call("/siliconflow/v2/video/submit", { method: "POST" });
    expect(outside.status).toBe(404);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe("unknown_route");
    expect(e2e.errors).toEqual([]);
  });
});

describe("scoped tokens on pass-through", () => {
  const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  it("refuses a model-scoped token when the model cannot be read, GETs included (fail closed)", async () => {
    const scoped = await e2e.token({ models: [VIDEO_MODEL] });
    const before = e2e.mock.requests.length;
    const status = await postJson("/siliconflow/v1/video/status", { requestId: "x" }, scoped);
    expect(status.status).toBe(403);
    expect(await code(status)).toBe("model_required");
    const info = await call("/siliconflow/v1/user/info", {}, scoped);
    expect(info.status).toBe(403);
    expect(await code(info)).toBe("model_required");
    const binary = await call(
      "/siliconflow/v1/files/raw-upload",
      { method: "POST", headers: { "content-type": "application/octet-stream" }, body: new Uint8Array([1, 2]) },
      scoped,
    );
    expect(await code(binary)).toBe("model_required");
    const other = await postJson("/siliconflow/v1/video/submit", { model: "other/model", prompt: "x" }, scoped);
    expect(await code(other)).toBe("model_not_allowed");
    expect(e2e.mock.requests.length).toBe(before);
    // The model it may use, read from the JSON body, passes.
    const allowed = await postJson("/siliconflow/v1/video/submit", { model: VIDEO_MODEL, prompt: "x" }, scoped);
    expect(allowed.status).toBe(200);
  });

  it("lets a provider-scoped token through to its provider's routes", async () => {
    const scoped = await e2e.token({ providers: ["siliconflow"] });
    expect((await call("/siliconflow/v1/user/info", {}, scoped)).status).toBe(200);
    const relay = await call("/relay/v1/user/info", {}, scoped);
    expect(relay.status).toBe(403);
    expect(await code(relay)).toBe("provider_not_allowed");
  });
});
