import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCall,
  createFakeProvider,
  type FakeUpstream,
  seedKeys,
  startFakeUpstream,
  startRig,
  type TestRig,
} from "../../test/support/index.js";

type ModelList = { object: string; data: { id: string; owned_by: string }[] };
type ErrorBody = { error: { message: string; code: string; type: string } };

const ids = async (res: Response) => ((await res.json()) as ModelList).data.map((m) => m.id);

// One rig for the first two groups: two providers, the relay the default.
let relay: FakeUpstream;
let rig: TestRig;
beforeAll(async () => {
  relay = await startFakeUpstream({
    keys: { "relay-key-0001": "ok", "relay-key-0002": "server-error" },
    models: ["relay-model-a", "fake-chat-small"],
  });
  rig = await startRig(
    { keys: { "sk-models-0001": "ok" }, models: ["fake-chat-small", "odd-model"] },
    { settings: { defaultProvider: "relay" } },
    (upstream) => [
      createFakeProvider({ baseURL: upstream.baseURL }),
      createFakeProvider({ id: "relay", baseURL: relay.baseURL, modelPattern: /^relay-/ }),
    ],
  );
  await seedKeys(rig.gateway, ["sk-models-0001"]);
  await seedKeys(rig.gateway, ["relay-key-0001"], "relay");
});
afterAll(async () => {
  await rig.close();
  await relay.close();
});

describe("bare GET /v1/models with several providers", () => {
  it("merges every provider's list, whatever the default; an id that would not route back is prefixed", async () => {
    const res = await rig.call("/v1/models");
    expect(res.status).toBe(200);
    const body = (await res.json()) as ModelList;
    expect(body.object).toBe("list");
    // `fake-chat-small` routes to `fake` (it claims it), so the relay's copy is prefixed;
    // `odd-model` is claimed by nobody and the default is the relay, so `fake` lists it prefixed.
    expect(body.data.map((m) => m.id)).toEqual([
      "fake-chat-small",
      "fake:odd-model",
      "relay-model-a",
      "relay:fake-chat-small",
    ]);
    expect(res.headers.get("x-keyhive-skipped-providers")).toBeNull();
    // Cached: a second call does not reach the upstreams again.
    await rig.call("/v1/models");
    expect(relay.requests.filter((r) => r.path.endsWith("/models"))).toHaveLength(1);
    expect((await rig.call("/v1/models", { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    // Every listed id reaches its provider on the bare route.
    const chat = await rig.call("/v1/chat/completions", { json: { model: "relay:fake-chat-small", messages: [] } });
    expect(chat.status).toBe(200);
    expect(relay.requests.at(-1)?.path).toBe("/v1/chat/completions");
  });

  it("shows a scoped token only its providers and models", async () => {
    const scoped = async (scope: Record<string, unknown>) => {
      const created = await adminCall(rig, "/admin/api/tokens", { json: { name: JSON.stringify(scope), ...scope } });
      const { token } = (await created.json()) as { token: string };
      return fetch(`${rig.url}/v1/models`, { headers: { authorization: `Bearer ${token}` } });
    };
    expect(await ids(await scoped({ providers: ["relay"] }))).toEqual(["relay-model-a", "relay:fake-chat-small"]);
    expect(await ids(await scoped({ models: ["fake-chat-small"] }))).toEqual([
      "fake-chat-small",
      "relay:fake-chat-small",
    ]);
    expect(await ids(await scoped({ providers: ["fake"], models: ["relay-model-a"] }))).toEqual([]);
    const perProvider = await fetch(`${rig.url}/relay/v1/models`, {
      headers: {
        authorization: `Bearer ${((await (await adminCall(rig, "/admin/api/tokens", { json: { name: "m", models: ["relay-model-a"] } })).json()) as { token: string }).token}`,
      },
    });
    expect(await ids(perProvider)).toEqual(["relay-model-a"]);
  });
});

describe("bare routing of a model nobody claims", () => {
  it("answers 404 model_not_found naming the providers and the prefix for a model nobody claims", async () => {
    await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { defaultProvider: null } });
    try {
      const res = await rig.call("/v1/chat/completions", { json: { model: "mystery-model", messages: [] } });
      expect(res.status).toBe(404);
      const { error } = (await res.json()) as ErrorBody;
      expect(error.code).toBe("model_not_found");
      expect(error.type).toBe("not_found_error");
      expect(error.message).toBe(
        "No provider claims model 'mystery-model'. Name the provider: prefix the model as '<provider>:<model>' (e.g. 'fake:mystery-model') or call /<provider>/v1/...; providers: fake, relay.",
      );
    } finally {
      await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { defaultProvider: "relay" } });
    }
  });
});

describe("bare GET /v1/models when providers cannot list", () => {
  it("skips a failing provider and says so; fails with every reason only when all fail", async () => {
    const relay = await startFakeUpstream({ keys: { "relay-key-0002": "server-error" } });
    const rig = await startRig({ keys: { "sk-models-0001": "ok" } }, {}, (upstream) => [
      createFakeProvider({ baseURL: upstream.baseURL }),
      createFakeProvider({ id: "relay", baseURL: relay.baseURL, modelPattern: /^relay-/ }),
      createFakeProvider({ id: "spare", baseURL: relay.baseURL, modelPattern: /^spare-/ }),
    ]);
    try {
      await seedKeys(rig.gateway, ["sk-models-0001"]);
      await seedKeys(rig.gateway, ["relay-key-0002"], "relay");
      const res = await rig.call("/v1/models");
      expect(res.status).toBe(200);
      expect(res.headers.get("x-keyhive-skipped-providers")).toBe("relay=upstream_error, spare=no_usable_key");
      expect(await ids(res)).toContain("fake-chat-small");

      for (const record of rig.gateway.pool.keysOf("fake")) rig.gateway.pool.forget(record.id);
      const failed = await rig.call("/v1/models");
      expect(failed.status).toBe(502);
      const { error } = (await failed.json()) as ErrorBody;
      expect(error.message).toMatch(
        /^No provider could list its models: fake: no usable key; relay: listing failed \(.+\); spare: no usable key\.$/,
      );
      expect(error.message).not.toContain("relay-key-0002");
    } finally {
      await rig.close();
      await relay.close();
    }
  });
});

describe("model lists of a provider whose only usable keys are exhausted", () => {
  it("lists its free models on the bare and the provider route instead of failing", async () => {
    const free = ["fake-free-a", "fake-free-b"];
    const rig = await startRig({ keys: { "sk-broke-0001": "no-quota" } }, {}, (upstream) => [
      { ...createFakeProvider({ baseURL: upstream.baseURL }), freeModels: free },
    ]);
    try {
      await seedKeys(rig.gateway, ["sk-broke-0001"]);
      const [key] = rig.gateway.pool.keysOf("fake");
      rig.gateway.pool.reportCheck(key?.id as string, { status: "exhausted", balance: 0, message: "no credit" });
      for (const path of ["/v1/models", "/fake/v1/models"]) {
        const res = await rig.call(path);
        expect(res.status, path).toBe(200);
        expect(await ids(res), path).toEqual(free);
      }
      // The settings' list overrides the provider's own.
      await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { freeModels: { fake: ["fake-free-c"] } } });
      expect(await ids(await rig.call("/v1/models"))).toEqual(["fake-free-c"]);
      expect(rig.upstream.requests.filter((r) => r.path.endsWith("/models"))).toHaveLength(0);
      // Without free models the answer stays the precise 503.
      await adminCall(rig, "/admin/api/settings", { method: "PATCH", json: { freeModels: { fake: [] } } });
      const none = await rig.call("/v1/models");
      expect(none.status).toBe(503);
    } finally {
      await rig.close();
    }
  });
});
