import type { Locator, Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { VIEWPORTS } from "./harness.js";
import { BAD, MOCK_KEYS, OK } from "./mock-keys.js";
import { addKeys, expectCleanRun, signedInRig } from "./steps.js";

// The keys page on an iPhone (375×812): every key is a card, so its text, its status and its
// actions are on screen without scrolling sideways, in both languages.
const rig = signedInRig(MOCK_KEYS, "/admin/keys");
const { width, height } = VIEWPORTS.mobile;

beforeAll(async () => {
  await addKeys(rig(), [...OK, ...BAD], { check: true });
  await rig().page.reload();
});

/** The horizontal extent of what `part` shows: its text for a cell, its box for a control. */
async function extent(part: Locator) {
  return part.evaluate((el) => {
    const range = document.createRange();
    range.selectNodeContents(el);
    const box = el.matches("td") ? range.getBoundingClientRect() : el.getBoundingClientRect();
    return { left: box.left, right: box.right, width: box.width };
  });
}

/** The first rows' key, status, checkbox and buttons lie within 0..375 and take a click there. */
async function expectRowsOnScreen(page: Page, count: number) {
  const rows = page.locator("tbody tr");
  for (let i = 0; i < count; i++) {
    const row = rows.nth(i);
    await row.scrollIntoViewIfNeeded();
    expect(((await row.locator('td[data-col="key"]').textContent()) ?? "").trim()).toMatch(/^sk-/);
    const buttons = await row.getByRole("button").all();
    expect(buttons).toHaveLength(4); // copy, timeline, enable/disable, delete
    const checkbox = row.getByRole("checkbox");
    for (const part of [row.locator('td[data-col="key"]'), row.locator(".badge"), checkbox, ...buttons]) {
      const box = await extent(part);
      expect(box.width, `row ${i}: ${await part.textContent()}`).toBeGreaterThan(0);
      expect(box.left).toBeGreaterThanOrEqual(0);
      expect(box.right).toBeLessThanOrEqual(width);
    }
    // Playwright's actionability checks: visible, stable, enabled and the element hit at its centre.
    for (const control of [checkbox, ...buttons]) await control.click({ trial: true });
  }
}

/** Neither the page nor the table's own scroll box needs a sideways scroll. */
async function horizontalOverflow(page: Page) {
  return page.evaluate(() => {
    const wrap = document.querySelector(".table-wrap");
    return {
      page: document.documentElement.scrollWidth - window.innerWidth,
      table: wrap ? wrap.scrollWidth - wrap.clientWidth : -1,
    };
  });
}

describe.each([
  { lang: "en", heading: "Keys", screenshot: "keys-en" },
  { lang: "zh-CN", heading: "密钥", screenshot: "keys-zh" },
])("the keys page at 375×812 in Chromium ($lang)", ({ lang, heading, screenshot }) => {
  it("shows each key, its status and its actions within the viewport, with no sideways scroll", async () => {
    const { page } = rig();
    await page.locator("#lang-select").selectOption(lang);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await page.setViewportSize({ width, height });
    await page
      .getByTestId("total")
      .filter({ hasText: String(OK.length + BAD.length) })
      .waitFor();
    await expectRowsOnScreen(page, 3);
    for (const sort of await page.locator("thead button.sort").all()) await sort.click({ trial: true });
    expect(await horizontalOverflow(page)).toEqual({ page: 0, table: 0 });
  });

  it("acts on a key from its card: disable, enable, select", async () => {
    const { page } = rig();
    const row = page.locator("tbody tr").first();
    await row.getByRole("button").nth(2).click();
    await row.locator(".badge-disabled").waitFor();
    await row.getByRole("button").nth(2).click();
    await expect.poll(() => page.locator("tbody .badge-disabled").count()).toBe(0);
    await row.getByRole("checkbox").click();
    expect(await page.getByTestId("selection-count").textContent()).toMatch(/(^| )1( |$)/);
    await row.getByRole("checkbox").click();
    await page.getByTestId("selection-count").waitFor({ state: "detached" });
    await rig().screenshot(screenshot);
  });
});

describe("the keys page on a phone, finally", () => {
  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig());
  });
});
