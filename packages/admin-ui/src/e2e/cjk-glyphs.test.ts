import { describe, expect, it } from "vitest";
import { glyphPrints, hanCharacters } from "./glyphs.js";
import { expectCleanRun, signedInRig } from "./steps.js";

// Without a CJK font, Chromium draws every Chinese character as the same .notdef box, and the
// screenshots in test-artifacts/ show boxes. `.ci/run` installs one (fonts-wqy-microhei).
const rig = signedInRig({}, "/admin");

describe("Chinese text in Chromium", () => {
  it("draws the Chinese UI's characters as distinct glyphs in the UI's font, not as .notdef boxes", async () => {
    const { page } = rig();
    await page.getByLabel("Language").selectOption("zh-CN");
    const heading = page.getByRole("heading", { name: "仪表盘", level: 1 });
    await heading.waitFor();
    const chars = await hanCharacters(page.locator("header"));
    expect(chars.length).toBeGreaterThanOrEqual(6);
    const prints = await glyphPrints(heading, [...chars, "\u{10FFFF}"]);
    const missing = prints.pop();
    const boxes = chars.filter((_, i) => prints[i]?.ink === 0 || prints[i]?.hash === missing?.hash);
    expect(boxes, "characters drawn blank or as the missing-glyph box: is a CJK font installed?").toEqual([]);
    // Every .notdef box is the same image; real glyphs of different characters never are.
    expect(new Set(prints.map((p) => p.hash)).size, `distinct glyphs for ${chars.join("")}`).toBe(chars.length);
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Dashboard", level: 1 }).waitFor();
  });

  it("logs no console errors or CSP violations", () => {
    expectCleanRun(rig());
  });
});
