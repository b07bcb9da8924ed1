import { describe, expect, it } from "vitest";
import {
  chatBody,
  createMemoryStorage,
  type FakeKeyBehaviour,
  seededRandom,
  seedKeys,
  startRig,
} from "../../test/support/index.js";
import { random, roundRobin } from "./strategies.js";

describe("key pool under a failing pool", () => {
  it("serves 1,000 requests over 30% dead, 20% rate-limited, 10% erroring keys without one failure", async () => {
    const keys: Record<string, FakeKeyBehaviour> = {};
    for (let i = 0; i < 100; i++) {
      const behaviour: FakeKeyBehaviour = i < 30 ? "invalid" : i < 50 ? "rate-limited" : i < 60 ? "server-error" : "ok";
      keys[`sk-pool-${String(i).padStart(3, "0")}`] = behaviour;
    }
    let clock = 1_000_000;
    const rig = await startRig(
      { keys, retryAfterSeconds: 60 },
      { strategy: random(seededRandom(2026)), now: () => clock },
    );
    try {
      await seedKeys(rig.gateway, Object.keys(keys));
      // Sequential, so "tried at most once" is exact (concurrent requests may share a key in flight).
      const statuses: number[] = [];
      for (let i = 0; i < 1000; i++)
        statuses.push((await rig.call("/v1/chat/completions", { json: chatBody() })).status);
      expect(statuses.filter((s) => s !== 200)).toEqual([]);

      const byBehaviour = (b: FakeKeyBehaviour) =>
        Object.entries(keys)
          .filter(([, v]) => v === b)
          .map(([secret]) => rig.gateway.pool.keysOf("fake").find((r) => r.secret === secret));
      // Dead keys: retired after their first failure, never tried again.
      for (const record of byBehaviour("invalid")) {
        expect(record?.status).toBe("invalid");
        expect(rig.upstream.requestsByKey.get(record?.secret ?? "") ?? 0).toBeLessThanOrEqual(1);
      }
      // Rate-limited keys: cooling until retry-after, tried at most once meanwhile.
      for (const record of byBehaviour("rate-limited")) {
        if (!rig.upstream.requestsByKey.get(record?.secret ?? "")) continue;
        expect(record?.status).toBe("cooling");
        expect(record?.cooldownUntil).toBe(clock + 60_000);
        expect(rig.upstream.requestsByKey.get(record?.secret ?? "")).toBe(1);
      }

      // The cooldown expires (injected clock) and the limit is lifted: the keys come back.
      for (const [secret, behaviour] of Object.entries(keys))
        if (behaviour === "rate-limited") rig.upstream.setBehaviour(secret, "ok");
      clock += 61_000;
      rig.upstream.reset();
      for (let i = 0; i < 300; i++)
        expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
      const revived = byBehaviour("rate-limited").filter((r) => rig.upstream.requestsByKey.has(r?.secret ?? ""));
      expect(revived.length).toBeGreaterThan(10);
      for (const record of revived) expect(record?.status).toBe("active");
    } finally {
      await rig.close();
    }
  }, 60_000); // 1,300 sequential requests: slow on a busy machine
});

describe("key pool: failure counts, retries and waiting for a cooling key", () => {
  it("resets the consecutive-failure count on success", async () => {
    const rig = await startRig({ keys: { "sk-flaky-0001": "server-error" } }, { settings: { retries: 0 } });
    try {
      await seedKeys(rig.gateway, ["sk-flaky-0001"]);
      expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBe(502);
      const record = rig.gateway.pool.keysOf("fake")[0];
      expect(record?.consecutiveFailures).toBe(1);
      rig.upstream.setBehaviour("sk-flaky-0001", "ok");
      expect((await rig.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
      expect(record?.consecutiveFailures).toBe(0);
      expect(record?.status).toBe("active");
    } finally {
      await rig.close();
    }
  });

  it("with retries 0 sends an upstream error once; the client sees the upstream's message", async () => {
    const rig = await startRig(
      { keys: { "sk-err-a-0001": "server-error", "sk-err-b-0001": "server-error" } },
      { settings: { retries: 0 } },
    );
    try {
      await seedKeys(rig.gateway, ["sk-err-a-0001", "sk-err-b-0001"]);
      const res = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(res.status).toBe(502);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(
        "The server had an error while processing your request.",
      );
      expect(rig.upstream.requests).toHaveLength(1);
    } finally {
      await rig.close();
    }
  });

  it("waits for the soonest cooling key when it is within the configured bound", async () => {
    let clock = 5_000_000;
    const slept: number[] = [];
    const rig = await startRig(
      { keys: { "sk-wait-0001": "rate-limited" }, retryAfterSeconds: 2 },
      {
        now: () => clock,
        settings: { maxCooldownWaitMs: 5000 },
        sleep: async (ms) => {
          slept.push(ms);
          clock += ms;
          rig.upstream.setBehaviour("sk-wait-0001", "ok");
        },
      },
    );
    try {
      await seedKeys(rig.gateway, ["sk-wait-0001"]);
      const res = await rig.call("/v1/chat/completions", { json: chatBody() });
      expect(res.status).toBe(200);
      expect(slept).toEqual([2000]);
    } finally {
      await rig.close();
    }
  });
});

describe("two gateway instances sharing one store", () => {
  it("converge: a key that dies on A is skipped by B within the refresh interval", async () => {
    // One store, two gateways: each has its own pool and learns the other's writes from the feed.
    const storage = createMemoryStorage();
    const keys: Record<string, FakeKeyBehaviour> = { "sk-shared-dead-01": "invalid", "sk-shared-good-01": "ok" };
    const a = await startRig({ keys }, { storage, strategy: roundRobin(), refreshIntervalMs: 200 });
    const b = await startRig({ keys }, { storage, strategy: roundRobin(), refreshIntervalMs: 200 });
    try {
      // Added through A only: B learns about both keys from the change feed.
      await seedKeys(a.gateway, Object.keys(keys));
      await new Promise((r) => setTimeout(r, 250));
      await b.call("/v1/models"); // a request triggers B's background sync
      await b.gateway.sync();
      expect(b.gateway.pool.size).toBe(2);

      // A finds the dead key and retires it (written behind within ~250 ms).
      for (let i = 0; i < 2; i++) expect((await a.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
      await a.gateway.flush();
      await new Promise((r) => setTimeout(r, 250));
      await b.gateway.sync();
      const onB = b.gateway.pool.keysOf("fake").find((r) => r.secret === "sk-shared-dead-01");
      expect(onB?.status).toBe("invalid");
      b.upstream.reset();
      for (let i = 0; i < 6; i++) expect((await b.call("/v1/chat/completions", { json: chatBody() })).status).toBe(200);
      expect(b.upstream.requestsByKey.get("sk-shared-dead-01")).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe("recorded reasons", () => {
  it("mask a key the upstream echoed in its error message", async () => {
    const { KeyPool } = await import("./key-pool.js");
    const { newKeyRecord } = await import("./new-key.js");
    const pool = new KeyPool({ storage: createMemoryStorage() });
    const secret = "sk-echoed-secret-0123456789abcdef";
    const record = await newKeyRecord({ provider: "fake", secret }, 0);
    pool.upsertLocal([record]);
    pool.reportFailure(record.id, { kind: "key_invalid", message: `Key ${secret} was revoked` });
    pool.reportCheck(record.id, { status: "invalid", message: `still bad: ${secret}` });
    const after = pool.get(record.id);
    expect(after?.statusReason).not.toContain(secret);
    expect(after?.lastError).not.toContain(secret);
    expect(after?.lastError).toContain("sk-ech…cdef");
    expect(JSON.stringify(pool.drainHistory())).not.toContain(secret);
  });
});
