import { describe, expect, it } from "vitest";
import { createFakeProvider, seedKeys, startFakeUpstream, startRig } from "../../test/support/index.js";

describe("bare GET /v1/models", () => {
  it("merges every provider's models when several are registered and none is the default", async () => {
    const relay = await startFakeUpstream({ keys: { "relay-key-0001": "ok" }, models: ["relay-model-a"] });
    const rig = await startRig({ keys: { "sk-models-0001": "ok" }, models: ["fake-chat-small"] }, {}, (upstream) => [
      createFakeProvider({ baseURL: upstream.baseURL }),
      createFakeProvider({ id: "relay", baseURL: relay.baseURL }),
    ]);
    try {
      await seedKeys(rig.gateway, ["sk-models-0001"]);
      await seedKeys(rig.gateway, ["relay-key-0001"], "relay");
      const res = await rig.call("/v1/models");
      expect(res.status).toBe(200);
      const body = (await res.json()) as { object: string; data: { id: string; owned_by: string }[] };
      expect(body.object).toBe("list");
      expect(body.data.map((m) => m.id).sort()).toEqual(["fake-chat-small", "relay-model-a"]);
      // Cached: a second call does not reach the upstreams again.
      await rig.call("/v1/models");
      expect(relay.requests.filter((r) => r.path.endsWith("/models"))).toHaveLength(1);
      expect((await rig.call("/v1/models", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    } finally {
      await rig.close();
      await relay.close();
    }
  });
});
