import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createGateway } from "@keyhive/gateway";
import { createMemoryStorage } from "@keyhive/storage";
import { describe, expect, it } from "vitest";
import { createGemini } from "./gemini-provider.js";
import { GEMINI_KEYS as K } from "./gemini-test-keys.js";
import { geminiUsageOf } from "./gemini-usage.js";
import { startMockGemini } from "./testing.js";

describe("Gemini usage (Provider.usageOf)", () => {
  it("reads the last usageMetadata counts from a tail that may start mid-JSON", () => {
    const tail =
      'xt":"a"}]}}],"usageMetadata":{"promptTokenCount":3,"candidatesTokenCount":1}}\r\n\r\n' +
      'data: {"candidates":[],"usageMetadata":{"promptTokenCount": 7,"candidatesTokenCount":5,"totalTokenCount":12}}\r\n\r\n';
    expect(geminiUsageOf(tail)).toEqual({ promptTokens: 7, completionTokens: 5 });
    expect(geminiUsageOf('{"candidates":[]}')).toBeUndefined();
    expect(createGemini().usageOf).toBe(geminiUsageOf);
  });

  it("counts the tokens of native answers, JSON and streamed, through the gateway", async () => {
    const mock = await startMockGemini({ keys: { [K.ok]: "ok" } });
    const gateway = createGateway({
      providers: [createGemini({ baseURL: mock.baseURL })],
      storage: createMemoryStorage(),
      clientTokens: ["kh-usage-token"],
      adminPassword: "usage-admin-password",
    });
    await gateway.ready();
    const server = serve({ fetch: gateway.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", () => resolve()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const added = await fetch(`${url}/admin/api/keys`, {
        method: "POST",
        headers: { authorization: "Bearer usage-admin-password", "content-type": "application/json" },
        body: JSON.stringify({ provider: "gemini", keys: [K.ok] }),
      });
      expect(added.status).toBe(201);
      const generate = (action: string) =>
        fetch(`${url}/v1beta/models/gemini-2.0-flash:${action}`, {
          method: "POST",
          headers: { "x-goog-api-key": "kh-usage-token", "content-type": "application/json" },
          body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hi" }] }] }),
        });
      const whole = await generate("generateContent");
      const json = (await whole.json()) as {
        usageMetadata: { promptTokenCount: number; candidatesTokenCount: number };
      };
      // A copy: the meter's counters are live.
      const afterOne = { ...gateway.usage.local("token", "config-1") };
      expect(afterOne?.promptTokens).toBe(json.usageMetadata.promptTokenCount);
      expect(afterOne?.completionTokens).toBe(json.usageMetadata.candidatesTokenCount);
      expect(afterOne?.promptTokens).toBeGreaterThan(0);

      const streamed = await generate("streamGenerateContent?alt=sse");
      expect(await streamed.text()).toContain("usageMetadata");
      const afterTwo = gateway.usage.local("token", "config-1");
      expect(afterTwo?.promptTokens).toBe((afterOne.promptTokens ?? 0) + 4);
      expect(afterTwo?.completionTokens).toBeGreaterThan(afterOne.completionTokens ?? 0);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await mock.close();
    }
  });
});
