/** Body samples: off by default, on for a named token or model, capped, and masked. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";
import { maskBodyText } from "./body-sample.js";
import type { RequestRecord } from "./request-record.js";

const KEY = "sk-body-sample-pool-key-0000000001";
let rig: TestRig;

const newest = async () =>
  ((await (await adminCall(rig, "/admin/api/logs?limit=1")).json()) as { items: RequestRecord[] }).items[0];
const sampling = (value: object) =>
  adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { bodySampling: value } });
const chat = async (body: object) => (await rig.call("/v1/chat/completions", { json: body })).text();

beforeAll(async () => {
  rig = await startRig({ keys: { [KEY]: "ok" } });
  await rig.addKeys([KEY]);
});
afterAll(() => rig.close());

describe("request log body samples", () => {
  it("are never taken while no token or model is named", async () => {
    await chat(chatBody());
    expect((await newest())?.sample).toBeUndefined();
  });

  it("for a named token: both bodies' first maxBytes, marked truncated when longer", async () => {
    expect((await sampling({ tokens: ["config-1"], models: [], maxBytes: 64 })).status).toBe(200);
    await rig.gateway.sync();
    await chat(chatBody({ messages: [{ role: "user", content: "x".repeat(200) }] }));
    const sample = (await newest())?.sample;
    expect(sample?.request?.startsWith('{"model":"fake-chat-small"')).toBe(true);
    expect(new TextEncoder().encode(sample?.request ?? "").byteLength).toBeLessThanOrEqual(64);
    expect(sample?.response).toContain('"object"');
    expect(sample?.truncated).toBe(true);
    await chat(chatBody({ stream: true }));
    expect((await newest())?.sample?.response).toMatch(/^data: /);
  });

  it("for a named model, whatever the token; another model is not sampled", async () => {
    expect((await sampling({ tokens: [], models: ["fake-chat-small"], maxBytes: 4096 })).status).toBe(200);
    await rig.gateway.sync();
    await chat(chatBody());
    expect((await newest())?.sample?.truncated).toBe(false);
    await chat(chatBody({ model: "fake-chat-large" }));
    expect((await newest())?.sample).toBeUndefined();
  });

  it("mask a pool key's secret and credential-shaped strings in the body", async () => {
    const planted = `use ${KEY} or sk-proj-abcdefghijklmnop1234 or AIzaSyA1234567890abcdefghijklmnopqrstu; Bearer kh-some-client-token-123456`;
    await chat(chatBody({ messages: [{ role: "user", content: planted }] }));
    const text = JSON.stringify((await newest())?.sample);
    for (const secret of [
      KEY,
      "sk-proj-abcdefghijklmnop1234",
      "AIzaSyA1234567890abcdefghijklmnopqrstu",
      "kh-some-client-token-123456",
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(text).toContain("sk-bod…0001");
  });

  it("refuses a cap outside 64–65536 bytes", async () => {
    const refused = await sampling({ tokens: [], models: [], maxBytes: 10 });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("maxBytes");
  });
});

describe("maskBodyText", () => {
  it("keeps ordinary text and masks each credential shape", () => {
    expect(maskBodyText("hello world, skip-this is fine", [])).toBe("hello world, skip-this is fine");
    expect(maskBodyText("key sk-abcdefghijklmnopqrst end", [])).toBe("key sk-abc…qrst end");
    expect(maskBodyText("Authorization: Bearer abcdefghijklmnop", [])).toBe("Authorization: Bearer abcdef…mnop");
    expect(maskBodyText("my secret: hunter2-very-long-secret", ["hunter2-very-long-secret"])).toBe(
      "my secret: hunter…cret",
    );
  });
});
