import { describe, expect, it } from "vitest";
import type { ImportResult } from "./backup-import.js";
import { createProgress, importProgressLine } from "./cli-progress.js";

const result: ImportResult = {
  ...{ keys: 4500, duplicates: 500, tokens: 0, settings: 0, history: 0, historySkipped: 0, skippedAuth: 0 },
  complete: false,
};

describe("createProgress", () => {
  it("prints at most one progress line per interval, counted from the start", () => {
    let now = 0;
    const out: string[] = [];
    const progress = createProgress({ intervalMs: 1000, now: () => now, write: (text) => out.push(text) });
    for (now = 0; now <= 3500; now += 250) progress.tick(() => "keys");
    expect(out).toEqual([
      "keyhive-storage: keys, 1.0 s\n",
      "keyhive-storage: keys, 2.0 s\n",
      "keyhive-storage: keys, 3.0 s\n",
    ]);
  });
});

describe("importProgressLine", () => {
  it("shows the announced total when the header has one, and none otherwise", () => {
    const announced = { keys: 12000, tokens: 1, settings: 1, history: 2 };
    expect(importProgressLine({ ...result, announced })).toBe("keys 5000/12000 (4500 written, 500 skipped), history 0");
    expect(importProgressLine(result)).toBe("keys 5000 (4500 written, 500 skipped), history 0");
  });
});
