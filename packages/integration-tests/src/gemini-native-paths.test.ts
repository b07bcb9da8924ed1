/**
 * Gemini's native surface through the gateway: the canonical path (`canonicalNativePath`, unit
 * tested in the gateway on a fake provider) is the one both the token scope and the upstream
 * URL use, and errors keep Google's shape.
 */
import { createGemini } from "@keyhive/provider-gemini";
import { type MockGemini, startMockGemini } from "@keyhive/provider-gemini/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Served, seedKeys, serveGateway } from "./rig.js";

type GoogleError = { error: { code: number; message: string; status: string } };

describe("Gemini native paths over real HTTP", () => {
  let gemini: MockGemini;
  let rig: Served;
  let flashOnly: string;
  const key = `AIzaSy${"NativePath".padEnd(33, "x")}`;
  beforeAll(async () => {
    gemini = await startMockGemini({ keys: { [key]: "ok" } });
    rig = await serveGateway({ providers: [createGemini({ baseURL: gemini.baseURL })] });
    await seedKeys(rig.gateway, [key], "gemini");
    const created = await rig.admin("/admin/api/tokens", {
      json: { name: "flash", models: ["gemini-2.5-flash"] },
    });
    flashOnly = ((await created.json()) as { token: string }).token;
  });
  afterAll(async () => {
    await rig.close();
    await gemini.close();
  });

  const generate = (path: string, token = flashOnly) =>
    fetch(`${rig.url}${path}`, {
      method: "POST",
      headers: { "x-goog-api-key": token, "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
    });

  it("checks the scope against the model of a path with duplicate slashes", async () => {
    for (const path of [
      "/v1beta/models//gemini-2.5-pro:generateContent",
      "/gemini/v1beta/models///gemini-2.5-pro:generateContent",
    ]) {
      const res = await generate(path);
      expect(res.status, path).toBe(403);
      const body = (await res.json()) as GoogleError;
      expect(body.error.status, path).toBe("PERMISSION_DENIED");
      expect(body.error.message, path).toContain("gemini-2.5-pro");
    }
  });

  it("sends the allowed model upstream on the same canonical path the scope was checked on", async () => {
    const from = gemini.requests.length;
    const res = await generate("/v1beta/models//gemini-2.5-flash:generateContent");
    expect(res.status).toBe(200);
    expect(gemini.requests.slice(from).map((r) => r.path)).toEqual(["/v1beta/models/gemini-2.5-flash:generateContent"]);
  });

  it("answers 400 in Google's shape to encoded slashes and malformed escapes, never a 500", async () => {
    const from = gemini.requests.length;
    for (const path of [
      "/v1beta/models/gemini-2.5-flash%2F..%2Fgemini-2.5-pro:generateContent",
      "/v1beta/models/gemini-2.5-flash%2Fgemini-2.5-pro:generateContent",
      "/v1beta/models/%E0%A4%A:generateContent",
      "/gemini/v1beta/models/gemini%:generateContent",
    ]) {
      const res = await generate(path);
      expect(res.status, path).toBe(400);
      const body = (await res.json()) as GoogleError;
      expect(body.error.status, path).toBe("INVALID_ARGUMENT");
    }
    expect(gemini.requests.length).toBe(from);
  });

  it("refuses a path whose model cannot be read for a model-scoped token, lets the listing through", async () => {
    const res = await generate("/v1beta/models/gemini-2.5-pro/extra:generateContent");
    expect(res.status).toBe(403);
    const list = await fetch(`${rig.url}/v1beta/models`, { headers: { "x-goog-api-key": flashOnly } });
    expect(list.status).toBe(200);
  });
});
