/**
 * Global limits on Redis: two gateway instances, each with its own `createRedisStorage` on one
 * real redis-server, share the storage's atomic counters — a token's rpm and daily quota and the
 * login throttle allow exactly what one instance would, whichever instance a request reaches.
 * With Redis down, a limited request is refused (503) while an unlimited one is still served.
 */
import { type RedisServer, startRedis } from "@keyhive/gateway/testing";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createRedisStorage } from "@keyhive/storage/redis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, login, spread, startOfAMinute, tokenWith, twoInstances } from "./limits-rig.js";
import type { Served } from "./rig.js";

let redis: RedisServer;
let flush: Redis;
let mock: MockOpenAI;
let a: Served;
let b: Served;

beforeAll(async () => {
  redis = await startRedis();
  flush = new Redis(redis.url);
  mock = await startMockOpenAI({ acceptAnyKey: true });
});
afterAll(async () => {
  await flush?.quit();
  await mock?.close();
  await redis?.stop();
});
beforeEach(async () => {
  await flush.flushdb();
  // Fail fast when Redis is gone (the last test stops it): no retries of a command.
  const storage = () => createRedisStorage({ url: redis.url, redisOptions: { maxRetriesPerRequest: 0 } });
  [a, b] = await twoInstances(mock.baseURL, storage);
  return async () => {
    await a.close();
    await b.close();
    await a.gateway.storage.close?.();
    await b.gateway.storage.close?.();
  };
});

describe("global limits: 2 instances on one Redis", () => {
  it("rpm 10: 30 requests alternating A and B, 6 at a time, serve exactly 10 (20 × 429 token_rpm_exceeded)", async () => {
    await startOfAMinute();
    const token = await tokenWith(a, b, { rpm: 10 });
    const { ok, count, codes } = await spread([a, b], token, 30);
    console.log(
      `[global rpm] redis, 2 instances, rpm 10, 30 requests: ${ok} served, ${count("429 token_rpm_exceeded")} × 429`,
    );
    expect(ok).toBe(10);
    expect(count("429 token_rpm_exceeded")).toBe(20);
    expect(codes).toHaveLength(30);
  });

  it("rpm 10: 30 requests all at once over both instances serve exactly 10", async () => {
    await startOfAMinute();
    const token = await tokenWith(a, b, { rpm: 10 });
    const { ok, count } = await spread([a, b], token, 30, 30);
    expect(ok).toBe(10);
    expect(count("429 token_rpm_exceeded")).toBe(20);
  });

  it("dailyRequests 10: exactly 10 served over both instances, and the quota refusal uses up no minute", async () => {
    const token = await tokenWith(a, b, { dailyRequests: 10 });
    const { ok, count } = await spread([a, b], token, 30, 10);
    console.log(`[global daily] redis, 2 instances, dailyRequests 10, 30 requests: ${ok} served`);
    expect(ok).toBe(10);
    expect(count("429 token_daily_quota_exceeded")).toBe(20);
    // Both limits on one token: the 5 refused by the daily quota take nothing from the minute.
    await startOfAMinute();
    const both = await tokenWith(a, b, { rpm: 5, dailyRequests: 5 });
    expect((await spread([a, b], both, 10, 10)).ok).toBe(5);
    // The minute's counter holds the 5 served requests only (one rpm counter per token: the first has none).
    const [minute] = await flush.keys("*counters:rpm.*");
    expect(await flush.get(minute ?? "")).toBe("5");
  });

  it("login: 5 wrong passwords spread over both instances; the 6th is 429 on either", async () => {
    await startOfAMinute(10);
    for (let i = 0; i < 5; i++) expect((await login(i % 2 ? b : a, `wrong-${i}`, "198.51.100.7")).status).toBe(401);
    for (const s of [a, b]) {
      const res = await login(s, ADMIN_PASSWORD, "198.51.100.7");
      expect(res.status).toBe(429);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe("too_many_login_attempts");
    }
    // Another address keeps its own budget.
    expect((await login(b, ADMIN_PASSWORD, "198.51.100.8")).status).toBe(200);
  });

  it("Redis down: a limited token is refused with 503 limit_counters_unavailable; an unlimited one is served", async () => {
    const limited = await tokenWith(a, b, { rpm: 100 });
    expect((await spread([a], limited, 1)).ok).toBe(1);
    await redis.stop();
    const started = Date.now();
    const res = await a.call("/v1/chat/completions", {
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
      headers: { authorization: `Bearer ${limited}` },
    });
    const body = (await res.json()) as { error: { type: string; code: string; message: string } };
    console.log(
      `[global down] limited request refused in ${Date.now() - started} ms: ${res.status} ${body.error.code}`,
    );
    expect(res.status).toBe(503);
    expect(body.error).toMatchObject({ type: "server_error", code: "limit_counters_unavailable" });
    expect(body.error.message).toContain("refused rather than served unlimited");
    const unlimited = await b.call("/v1/chat/completions", {
      json: { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] },
    });
    expect(unlimited.status).toBe(200);
  });
});
