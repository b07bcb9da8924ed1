import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { BAD, MOCK_KEYS, OK, SLOW } from "./mock-keys.js";
import { addKeys, expectCleanRun, signIn } from "./steps.js";

// 38 keys, as keys.test.ts leaves them: 5 valid and 3 invalid (checked), 30 not checked yet.
let rig: Rig;

beforeAll(async () => {
  rig = await startRig(MOCK_KEYS);
  await addKeys(rig, [...OK, ...BAD], { check: true });
  await addKeys(rig, SLOW);
  await signIn(rig, "/admin/keys");
});

afterAll(async () => {
  await rig?.close();
});

describe("selecting keys and bulk actions in Chromium", () => {
  it("keeps a multi-selection across pages and can select every matching key", async () => {
    const { page } = rig;
    await page.getByLabel("Page size").selectOption("20");
    await page.locator("tbody tr").first().getByRole("checkbox").check();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("2 / 2").waitFor();
    await page.locator("tbody tr").first().getByRole("checkbox").check();
    expect(await page.getByTestId("selection-count").textContent()).toBe("2 selected");
    await page.getByRole("button", { name: "Previous" }).click();
    await page.getByText("1 / 2").waitFor();
    expect(await page.locator("tbody tr").first().getByRole("checkbox").isChecked()).toBe(true);
    await page.getByRole("button", { name: "Select all 38 matching" }).click();
    expect(await page.getByTestId("selection-count").textContent()).toBe("38 selected");
    await page.getByRole("button", { name: "Clear selection" }).click();
    await page.getByLabel("Page size").selectOption("50");
  });

  it("disables and re-enables selected keys in bulk, and one key from its row", async () => {
    const { page } = rig;
    const rows = page.locator("tbody tr");
    await rows.nth(0).getByRole("checkbox").check();
    await rows.nth(1).getByRole("checkbox").check();
    const bar = page.getByRole("region", { name: "Selection" });
    await bar.getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => page.locator("tbody .badge-disabled").count()).toBe(2);
    await rows.nth(0).getByRole("checkbox").check();
    await rows.nth(1).getByRole("checkbox").check();
    await bar.getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => page.locator("tbody .badge-disabled").count()).toBe(0);
    await rows.nth(2).getByRole("button", { name: "Disable" }).click();
    await expect.poll(() => page.locator("tbody .badge-disabled").count()).toBe(1);
    await rows.nth(2).getByRole("button", { name: "Enable" }).click();
    await expect.poll(() => page.locator("tbody .badge-disabled").count()).toBe(0);
  });
});

describe("filtering, deleting and copying keys in Chromium", () => {
  it("filters by status and deletes all invalid keys", async () => {
    const { page } = rig;
    await page.getByLabel("Status").selectOption("invalid");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("3 keys").waitFor();
    await page.getByRole("button", { name: "Delete all invalid" }).click();
    const confirm = page.getByRole("dialog", { name: "Please confirm" });
    await confirm.getByRole("button", { name: "Delete all invalid" }).click();
    await page.getByText("0 keys").waitFor();
    await page.getByRole("button", { name: "Reset" }).click();
    await page.getByText("35 keys").waitFor();
    await rig.screenshot("keys");
  });

  it("copies a key by fetching its secret explicitly", async () => {
    const { page } = rig;
    await page.getByLabel("Search").fill("ok-key-000001");
    await page.getByRole("button", { name: "Apply" }).click();
    await page.getByText("1 keys").waitFor();
    const secretCall = page.waitForResponse((r) => r.url().includes("/secret"));
    await page.locator("tbody tr").first().getByRole("button", { name: "Copy" }).click();
    const response = await secretCall;
    expect(await response.json()).toEqual({ secret: "sk-ok-key-000001" });
    await page.getByRole("button", { name: "Reset" }).click();
  });
});

describe("10,000 keys in Chromium", () => {
  it("pages through 10,000 keys without rendering more than a page", async () => {
    const { page } = rig;
    const keys = Array.from({ length: 10_000 }, (_, i) => `sk-bulk-${String(i).padStart(8, "0")}`);
    const added = await rig.admin("/admin/api/keys", { json: { provider: "openai", keys } });
    expect(added.status).toBe(201);
    const started = Date.now();
    await page.reload();
    await page.getByText("10,035 keys").waitFor();
    expect(Date.now() - started).toBeLessThan(5000);
    expect(await page.locator("tbody tr").count()).toBe(50);
    await page.getByRole("button", { name: /Balance/ }).click();
    await page.getByRole("button", { name: "Next" }).click();
    await page.getByText("2 / 201").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(50);
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
