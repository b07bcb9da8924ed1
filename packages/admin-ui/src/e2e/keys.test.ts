import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { BAD, MOCK_KEYS, OK, SLOW } from "./mock-keys.js";
import { expectCleanRun, signIn } from "./steps.js";

// One flow, in order: add 8 keys (auto-checked), check them all, export the valid ones, then add
// 30 slow keys and stop a check over the 38.
let rig: Rig;

beforeAll(async () => {
  rig = await startRig(MOCK_KEYS);
  await signIn(rig, "/admin/keys");
});

afterAll(async () => {
  await rig?.close();
});

describe("adding and checking keys in Chromium", () => {
  it("adds keys pasted with mixed separators, reports duplicates and rejections, and auto-checks them", async () => {
    const { page } = rig;
    await page.getByRole("button", { name: "Add keys" }).click();
    const dialog = page.getByRole("dialog", { name: "Add keys" });
    const text = `${OK.slice(0, 3).join(", ")}; ${OK.slice(3).join(" ")}\n${BAD.join("\n")}\n${OK[0]}\nshort`;
    await dialog.getByLabel("Keys", { exact: true }).fill(text);
    await dialog.getByLabel("Tags (optional, comma-separated)").fill("e2e");
    await rig.screenshot("keys-add-dialog");
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.getByTestId("add-summary").waitFor();
    expect(await dialog.getByTestId("add-summary").textContent()).toBe("Added 8 · duplicates 0 · rejected 1");
    await dialog.getByText("short").or(dialog.getByText("sh…")).first().waitFor();
    // The auto-check runs against the mock upstream: progress reaches 100 %.
    await dialog.locator('[data-job-status="done"]').waitFor({ timeout: 20_000 });
    expect(await dialog.getByTestId("check-percent").textContent()).toBe("100%");
    expect(await dialog.getByTestId("check-ok").textContent()).toBe("5");
    expect(await dialog.getByTestId("check-failed").textContent()).toBe("3");
    await dialog.getByRole("button", { name: "Close" }).last().click();
    await page.getByText("8 keys").waitFor();
    expect(await page.locator("tbody tr .badge-invalid").count()).toBe(3);
  });

  it("runs a batch check with the default settings and watches progress reach 100 %", async () => {
    const { page } = rig;
    await page.getByRole("button", { name: "Check all" }).click();
    const dialog = page.getByRole("dialog", { name: "Batch check" });
    // Defaults users know from the SiliconFlow key manager.
    expect(await dialog.getByLabel("Concurrency (1–50)").inputValue()).toBe("10");
    expect(await dialog.getByLabel("Retries (0–5)").inputValue()).toBe("1");
    expect(await dialog.getByLabel("Retry interval (ms)").inputValue()).toBe("2000");
    expect(await dialog.getByLabel("Min (ms)").inputValue()).toBe("500");
    expect(await dialog.getByLabel("Max (ms)").inputValue()).toBe("1500");
    await dialog.getByLabel("Fixed").check();
    await dialog.getByLabel("Interval (ms)", { exact: true }).fill("0");
    await dialog.getByLabel("Retries (0–5)").fill("0");
    await dialog.getByRole("button", { name: "Start check" }).click();
    await dialog.locator('[data-job-status="done"]').waitFor({ timeout: 20_000 });
    expect(await dialog.getByTestId("check-count").textContent()).toBe("8 / 8");
    expect(await dialog.getByTestId("check-percent").textContent()).toBe("100%");
    await rig.screenshot("keys-check-done");
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    expect(await page.locator("tbody tr .badge-active").count()).toBe(5);
  });
});

describe("the export dialog in Chromium", () => {
  it("exports with a custom separator, and the preview is exactly the keys", async () => {
    const { page } = rig;
    await page.getByRole("button", { name: "Export" }).click();
    const dialog = page.getByRole("dialog", { name: "Export" });
    await dialog.getByLabel("Separator").selectOption("custom");
    await dialog.getByLabel("Custom separator").fill(" |~| ");
    await dialog.getByLabel("Valid keys").check();
    await dialog.getByRole("button", { name: "Preview" }).click();
    const preview = dialog.getByLabel(/Preview \(/);
    await preview.waitFor();
    const value = await preview.inputValue();
    expect(value.split(" |~| ").sort()).toEqual([...OK].sort());
    await rig.screenshot("keys-export-dialog");
    const href = await dialog.getByRole("link", { name: "Download" }).getAttribute("href");
    expect(href).toContain("download=true");
    expect(href).toContain("custom=+%7C%7E%7C+");
    await dialog.getByRole("button", { name: "Close" }).click();
  });

  it("closes dialogs with Escape and keeps focus inside while open", async () => {
    const { page } = rig;
    await page.getByRole("link", { name: "Keys" }).click();
    const opener = page.getByRole("button", { name: "Export" });
    await opener.click();
    const dialog = page.getByRole("dialog", { name: "Export" });
    for (let i = 0; i < 15; i++) await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });
    await expect.poll(() => opener.evaluate((b) => b === document.activeElement)).toBe(true);
  });
});

describe("stopping a check in Chromium", () => {
  it("stops a running check", async () => {
    const { page } = rig;
    const added = await rig.admin("/admin/api/keys", { json: { provider: "openai", keys: SLOW } });
    expect(added.status).toBe(201);
    await page.reload();
    await page.getByRole("button", { name: "Check all" }).click();
    const dialog = page.getByRole("dialog", { name: "Batch check" });
    await dialog.getByLabel("Concurrency (1–50)").fill("1");
    await dialog.getByLabel("Fixed").check();
    await dialog.getByLabel("Interval (ms)", { exact: true }).fill("200");
    await dialog.getByRole("button", { name: "Start check" }).click();
    await dialog
      .getByTestId("check-count")
      .filter({ hasText: /^[1-9]\d* \/ 38$/ })
      .waitFor({ timeout: 15_000 });
    // Results reach the table while the job runs (the list is reloaded only at the end).
    const checkedCells = page.locator('tbody td[data-col="lastChecked"]').filter({ hasNotText: "—" });
    const before = await checkedCells.count();
    await expect.poll(() => checkedCells.count(), { timeout: 10_000 }).toBeGreaterThan(before);
    await dialog.getByRole("button", { name: "Stop" }).click();
    await dialog.locator('[data-job-status="stopped"]').waitFor({ timeout: 10_000 });
    const [done] = ((await dialog.getByTestId("check-count").textContent()) ?? "").split(" / ").map(Number);
    expect(done).toBeLessThan(38);
    await page.keyboard.press("Escape");
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
