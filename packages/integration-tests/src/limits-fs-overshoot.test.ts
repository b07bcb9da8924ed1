/**
 * The documented bound on a store without atomic counters: two gateway instances on one fs
 * directory (as two processes would share it) each enforce a token's rpm on their own, so the
 * token may be served up to 2 × rpm per minute — never more, and never less than rpm.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createFsStorage } from "@keyhive/storage/fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { spread, startOfAMinute, tokenWith, twoInstances } from "./limits-rig.js";

let mock: MockOpenAI;
let dir: string;
beforeAll(async () => {
  mock = await startMockOpenAI({ acceptAnyKey: true });
  dir = mkdtempSync(join(tmpdir(), "keyhive-fs-limits-"));
});
afterAll(async () => {
  await mock?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("limits on fs shared by two instances (no atomic counters)", () => {
  it("rpm 10 over 2 instances: between 10 and 20 of 40 requests served (the documented bound)", async () => {
    const [a, b] = await twoInstances(mock.baseURL, () => createFsStorage({ dir }));
    try {
      expect(a.gateway.storage.counters).toBeUndefined();
      await startOfAMinute();
      const token = await tokenWith(a, b, { rpm: 10 });
      const { ok, count } = await spread([a, b], token, 40);
      console.log(`[fs rpm] 2 instances on one directory, rpm 10, 40 requests: ${ok} served (bound: 10–20)`);
      expect(ok).toBeGreaterThanOrEqual(10);
      expect(ok).toBeLessThanOrEqual(20);
      expect(ok + count("429 token_rpm_exceeded")).toBe(40);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
