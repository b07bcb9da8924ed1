import { describe, expect, it } from "vitest";
import { MemoryAffinity } from "./affinity.js";
import { watchCreatedId } from "./created-ids.js";

describe("MemoryAffinity", () => {
  it("forgets a record after its TTL", async () => {
    let now = 1_000;
    const affinity = new MemoryAffinity({ ttlMs: 100, now: () => now });
    affinity.remember("resp_1", "openai", "key-a");
    expect(await affinity.lookup("resp_1")).toMatchObject({ provider: "openai", keyId: "key-a" });
    now += 100;
    expect(await affinity.lookup("resp_1")).toBeUndefined();
  });

  it("drops the least recently used record beyond maxEntries", async () => {
    const affinity = new MemoryAffinity({ maxEntries: 2 });
    affinity.remember("a", "p", "k");
    affinity.remember("b", "p", "k");
    await affinity.lookup("a"); // a is now the most recently used
    affinity.remember("c", "p", "k");
    expect(await affinity.lookup("b")).toBeUndefined();
    expect(await affinity.lookup("a")).toBeDefined();
    expect(affinity.size).toBe(2);
  });
});

describe("watchCreatedId", () => {
  const whole = (value: unknown) => ({
    kind: "whole" as const,
    status: 200,
    headers: new Headers(),
    bytes: new TextEncoder().encode(JSON.stringify(value)),
  });

  it("finds the ids at the given fields of a JSON answer", () => {
    const ids: string[] = [];
    const answer = whole({ id: "batch_1", output_file_id: "file-2", file: { id: "file-3" }, data: [{ id: "x" }] });
    watchCreatedId(answer, (id) => ids.push(id), ["id", "output_file_id", "file.id", "data[].id", "missing"]);
    expect(ids).toEqual(["batch_1", "file-2", "file-3", "x"]);
  });

  it("ignores an answer that is not JSON", () => {
    const ids: string[] = [];
    watchCreatedId({ ...whole(1), bytes: new TextEncoder().encode("<html>") }, (id) => ids.push(id));
    expect(ids).toEqual([]);
  });
});
