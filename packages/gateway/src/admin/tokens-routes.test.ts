import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminCall, chatBody, startRig, type TestRig } from "../../test/support/index.js";

type ErrorBody = { error: { message: string; type: string; code: string; param: string | null } };
type Created = { token: string; record: { id: string; hint: string } };

let rig: TestRig;
beforeAll(async () => {
  rig = await startRig({ acceptAnyKey: true });
  await rig.addKeys(["sk-pool-key-000001"]);
});
afterAll(() => rig.close());

const create = async (json: Record<string, unknown>): Promise<Created> => {
  const res = await adminCall(rig, "/admin/api/tokens", { json });
  expect(res.status).toBe(201);
  return (await res.json()) as Created;
};
const chat = (token: string, extra: Record<string, unknown> = {}) =>
  rig.call("/v1/chat/completions", { json: chatBody(extra), headers: { authorization: `Bearer ${token}` } });
const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

describe("client tokens: admin CRUD enforced by the real proxy (lifecycle)", () => {
  it("creates a token shown once; lists it masked with today's usage", async () => {
    const { token, record } = await create({ name: "app" });
    expect(token).toMatch(/^kh-/);
    expect((await chat(token)).status).toBe(200);
    const list = (await (await adminCall(rig, "/admin/api/tokens")).json()) as {
      data: { id: string; state: string; usage: { requests: number; totalTokens: number } }[];
    };
    expect(JSON.stringify(list)).not.toContain(token);
    expect(JSON.stringify(list)).not.toContain('"hash"');
    expect(list.data.find((t) => t.id === record.id)).toMatchObject({
      state: "active",
      usage: { requests: 1, totalTokens: 14 },
    });
  });

  it("revoked tokens get 401 at once", async () => {
    const { token, record } = await create({ name: "soon-revoked" });
    expect((await chat(token)).status).toBe(200);
    expect((await adminCall(rig, `/admin/api/tokens/${record.id}`, { method: "DELETE" })).status).toBe(204);
    const res = await chat(token);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).type).toBe("authentication_error");
  });

  it("expired tokens get 401", async () => {
    const { token, record } = await create({ name: "expiring", expiresAt: Date.now() + 3_600_000 });
    expect((await chat(token)).status).toBe(200);
    await adminCall(rig, `/admin/api/tokens/${record.id}`, { method: "PATCH", json: { expiresAt: Date.now() - 1000 } });
    const res = await chat(token);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).message).toContain("expired");
  });
});

describe("client tokens: scopes, limits and validation", () => {
  it("out-of-scope models and providers get 403", async () => {
    const models = await create({ name: "mini-only", models: ["fake-chat-small"] });
    expect((await chat(models.token)).status).toBe(200);
    const wrongModel = await chat(models.token, { model: "fake-chat-large" });
    expect(wrongModel.status).toBe(403);
    expect(await errorOf(wrongModel)).toMatchObject({ type: "permission_error", code: "model_not_allowed" });

    const providers = await create({ name: "elsewhere", providers: ["other"] });
    const wrongProvider = await chat(providers.token);
    expect(wrongProvider.status).toBe(403);
    expect((await errorOf(wrongProvider)).code).toBe("provider_not_allowed");
  });

  it("over-rpm tokens get 429 with retry-after; removing the limit (null) lifts it", async () => {
    const { token, record } = await create({ name: "rpm", rpm: 2 });
    expect((await chat(token)).status).toBe(200);
    expect((await chat(token)).status).toBe(200);
    const limited = await chat(token);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await errorOf(limited)).toMatchObject({ type: "rate_limit_error", code: "token_rpm_exceeded" });
    const patched = await adminCall(rig, `/admin/api/tokens/${record.id}`, { method: "PATCH", json: { rpm: null } });
    expect(patched.status).toBe(200);
    expect(await patched.json()).not.toHaveProperty("rpm");
    expect((await chat(token)).status).toBe(200);
  });

  it("over-quota tokens (daily requests, daily tokens) get 429", async () => {
    const requests = await create({ name: "one-a-day", dailyRequests: 1 });
    expect((await chat(requests.token)).status).toBe(200);
    const over = await chat(requests.token);
    expect(over.status).toBe(429);
    expect((await errorOf(over)).code).toBe("token_daily_quota_exceeded");

    const tokens = await create({ name: "few-tokens", dailyTokens: 10 });
    expect((await chat(tokens.token)).status).toBe(200); // uses 9 + 5 tokens
    const overTokens = await chat(tokens.token);
    expect(overTokens.status).toBe(429);
    expect((await errorOf(overTokens)).message).toContain("10 tokens");
  });

  it("validates token bodies with field-level 400s and answers 404 for unknown ids", async () => {
    const cases: [unknown, string][] = [
      [{}, "name"],
      [{ name: "x", rpm: 0 }, "rpm"],
      [{ name: "x", models: "fake-chat-large" }, "models"],
      [{ name: "x", dailyRequests: 1.5 }, "dailyRequests"],
      [{ name: "x", hash: "abc" }, "hash"],
    ];
    for (const [json, param] of cases) {
      const res = await adminCall(rig, "/admin/api/tokens", { json });
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect((await errorOf(res)).param).toBe(param);
    }
    expect((await adminCall(rig, "/admin/api/tokens/tok-missing", { method: "PATCH", json: { rpm: 1 } })).status).toBe(
      404,
    );
    expect((await adminCall(rig, "/admin/api/tokens/tok-missing", { method: "DELETE" })).status).toBe(404);
  });
});
