/**
 * Limits on a store with no atomic operation: two instances, each with its own `createFsStorage`
 * over one directory, count alone. The overshoot of a token's rpm is measured and must stay
 * within the documented bound: N instances × rpm (here 2 × 10).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createFsStorage } from "@keyhive/storage/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spread, startOfAMinute, tokenWith, twoInstances } from "./limits-rig.js";

let mock: MockOpenAI;
beforeAll(async () => {
  mock = await startMockOpenAI({ acceptAnyKey: true });
});
afterAll(async () => {
  await mock?.close();
});

describe("limits on 2 instances over one fs directory (no shared counters)", () => {
  it("rpm 10, 30 requests alternating: served within 2 × rpm (the figure is printed)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-fs-limits-"));
    const [a, b] = await twoInstances(mock.baseURL, () => createFsStorage({ dir }));
    try {
      expect(a.gateway.storage.counters).toBeUndefined();
      await startOfAMinute();
      const token = await tokenWith(a, b, { rpm: 10 });
      const { ok, count } = await spread([a, b], token, 30);
      console.log(`[fs rpm] 2 instances, rpm 10, 30 requests: ${ok} served (overshoot ${ok - 10}, bound 10)`);
      expect(ok).toBeGreaterThanOrEqual(10);
      expect(ok).toBeLessThanOrEqual(20);
      expect(count("429 token_rpm_exceeded")).toBe(30 - ok);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
