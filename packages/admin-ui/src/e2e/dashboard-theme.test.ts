import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { BAD, MOCK_KEYS, OK } from "./mock-keys.js";
import { addKeys, expectCleanRun, signIn } from "./steps.js";

// OpenAI keys only (no balances): the dashboard without balance data, in both themes.
// dashboard.test.ts draws every chart from SiliconFlow balances.
let rig: Rig;

beforeAll(async () => {
  rig = await startRig(MOCK_KEYS);
  await addKeys(rig, [...OK, ...BAD], { check: true });
  await signIn(rig, "/admin/keys");
});

afterAll(async () => {
  await rig?.close();
});

describe("dashboard and theme in Chromium", () => {
  it("shows the dashboard with cards, charts and recent keys", async () => {
    const { page } = rig;
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByText("Total keys").waitFor();
    await page.locator(".chart-box canvas").first().waitFor();
    await page.waitForTimeout(300);
    await rig.screenshot("dashboard");
    expect(await page.locator(".metric").count()).toBe(12);
  });

  it("toggles the dark theme", async () => {
    const { page } = rig;
    await page.getByRole("button", { name: /Switch to (dark|light) mode/ }).click();
    const theme = await page.evaluate(() => document.documentElement.dataset.theme);
    expect(["dark", "light"]).toContain(theme);
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.locator(".chart-box canvas").first().waitFor();
    await rig.screenshot(`dashboard-${theme}`);
    await page.getByRole("button", { name: /Switch to (dark|light) mode/ }).click();
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
