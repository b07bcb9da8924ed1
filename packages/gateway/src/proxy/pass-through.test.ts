import { describe, expect, it } from "vitest";
import { chatBody, startRig } from "../../test/support/index.js";

describe("client-key pass-through", () => {
  it("is off by default: a client's own upstream key is just an invalid token", async () => {
    const rig = await startRig({ keys: { "sk-clients-own-key-01": "ok" } });
    try {
      const res = await rig.call("/v1/chat/completions", {
        json: chatBody(),
        headers: { authorization: "Bearer sk-clients-own-key-01" },
      });
      expect(res.status).toBe(401);
      expect(rig.upstream.requests).toHaveLength(0);
    } finally {
      await rig.close();
    }
  });

  it("when enabled, forwards the client's key unchanged and outside the pool", async () => {
    const rig = await startRig(
      { keys: { "sk-clients-own-key-01": "ok" } },
      { settings: { clientKeyPassThrough: true } },
    );
    try {
      const res = await rig.call("/v1/chat/completions", {
        json: chatBody({ stream: true }),
        headers: { authorization: "Bearer sk-clients-own-key-01" },
      });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("data: [DONE]");
      expect(rig.upstream.requests.at(-1)?.headers.authorization).toBe("Bearer sk-clients-own-key-01");
      expect(rig.gateway.pool.size).toBe(0);

      // A string that is no key of this provider's format is still refused.
      const bad = await rig.call("/v1/chat/completions", {
        json: chatBody(),
        headers: { authorization: "Bearer short" },
      });
      expect(bad.status).toBe(401);
    } finally {
      await rig.close();
    }
  });
});
