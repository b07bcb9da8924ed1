import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, logIn, type Rig, startRig } from "./harness.js";

const OK = ["sk-ok-key-000001", "sk-ok-key-000002", "sk-ok-key-000003", "sk-ok-key-000004", "sk-ok-key-000005"];
const BAD = ["sk-bad-key-00001", "sk-bad-key-00002", "sk-bad-key-00003"];
const SLOW = Array.from({ length: 30 }, (_, i) => `sk-slow-key-${String(i).padStart(4, "0")}`);

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({
    keys: {
      ...Object.fromEntries(OK.map((k) => [k, "ok" as const])),
      ...Object.fromEntries(BAD.map((k) => [k, "invalid" as const])),
      ...Object.fromEntries(SLOW.map((k) => [k, "slow" as const])),
    },
    slowMs: 300,
  });
});

afterAll(async () => {
  await rig?.close();
});

describe("admin UI in Chromium", () => {
  it("sends a visitor to the login page, rejects a wrong password, and signs in", async () => {
    const { page, url } = rig;
    await page.goto(`${url}/admin/keys`);
    await page.waitForURL(/\/admin\/login\?next=/);
    await rig.screenshot("login");
    await logIn(page, "not-the-password");
    await page.getByText("Wrong password.").waitFor();
    await logIn(page);
    await page.waitForURL(`${url}/admin/keys`);
    await page.getByRole("heading", { name: "Keys", level: 1 }).waitFor();
  });

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

  it("shows the dashboard with cards, charts and recent keys", async () => {
    const { page } = rig;
    await page.getByRole("link", { name: "Dashboard" }).click();
    await page.getByText("Total keys").waitFor();
    await page.locator(".chart-box canvas").first().waitFor();
    await page.waitForTimeout(300);
    await rig.screenshot("dashboard");
    expect(await page.locator(".metric").count()).toBe(12);
  });

  it("creates a client token shown once, and revokes it", async () => {
    const { page } = rig;
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.getByLabel("Name").fill("e2e-client");
    await page.getByLabel("Requests per minute").fill("60");
    await page.getByRole("button", { name: "Create" }).click();
    const dialog = page.getByRole("dialog", { name: "Token created" });
    const token = (await dialog.getByTestId("new-token").textContent()) ?? "";
    expect(token).toMatch(/^kh-/);
    await dialog.getByRole("button", { name: "Close" }).last().click();
    const row = page.locator("tbody tr", { hasText: "e2e-client" });
    await row.waitFor();
    expect(await row.textContent()).not.toContain(token);
    await rig.screenshot("tokens");
    await row.getByRole("button", { name: "Revoke" }).click();
    await page.getByRole("dialog", { name: "Please confirm" }).getByRole("button", { name: "Revoke" }).click();
    await row.getByText("Revoked").waitFor();
  });

  it("shows the API's validation message next to a setting, then saves a valid one", async () => {
    const { page } = rig;
    await page.getByRole("link", { name: "Settings" }).click();
    await page.getByLabel("Public page size").fill("1");
    await page.getByRole("button", { name: "Save settings" }).click();
    const error = page.getByTestId("settings-error");
    await error.waitFor();
    expect(await error.textContent()).toContain("pageSize");
    expect(await page.getByLabel("Public page size").getAttribute("aria-invalid")).toBe("true");
    await page.getByLabel("Public page size").fill("25");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();
    const settings = (await (await rig.admin("/admin/api/settings")).json()) as { pageSize: number };
    expect(settings.pageSize).toBe(25);
    await rig.screenshot("settings");
  });

  it("creates an admin token for scripts that the admin API accepts", async () => {
    const { page, url } = rig;
    await page.getByLabel("Name", { exact: true }).fill("e2e-script");
    await page.getByRole("button", { name: "Create" }).click();
    const dialog = page.getByRole("dialog", { name: "Token created" });
    const token = ((await dialog.locator("code.secret").textContent()) ?? "").trim();
    await dialog.getByRole("button", { name: "Close" }).last().click();
    const res = await fetch(`${url}/admin/api/keys?pageSize=1`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    await page.getByText("e2e-script").waitFor();
    expect(await page.getByRole("link", { name: /Download backup/ }).getAttribute("href")).toBe("/admin/api/backup");
  });

  it("says the admin password is set by the environment, and disables the change form", async () => {
    const { page } = rig;
    const notice = page.getByText(
      "The admin password is set by the deployment's configuration (KEYHIVE_ADMIN_PASSWORD)",
      {
        exact: false,
      },
    );
    await notice.waitFor();
    expect(await notice.textContent()).toBe(
      "The admin password is set by the deployment's configuration (KEYHIVE_ADMIN_PASSWORD), which replaces a changed one at the next start: change it there and restart the gateway.",
    );
    expect(await page.getByLabel("Current password").isDisabled()).toBe(true);
    expect(await page.getByLabel("New password (at least 12 characters)").isDisabled()).toBe(true);
    expect(await page.getByRole("button", { name: "Change admin password" }).isDisabled()).toBe(true);
    const described = await page.getByLabel("Current password").getAttribute("aria-describedby");
    expect(described).toBe("pw-managed");
  });

  it("switches language, remembers it, and switches back", async () => {
    const { page } = rig;
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("link", { name: "仪表盘" }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe("zh-CN");
    await page.reload();
    await page.getByRole("heading", { name: "设置", level: 1 }).waitFor();
    await rig.screenshot("settings-zh");
    await page.getByLabel("语言").selectOption("en");
    await page.getByRole("heading", { name: "Settings", level: 1 }).waitFor();
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

  it("on session expiry, returns to login with a message and back to the page afterwards", async () => {
    const { page, url, context } = rig;
    await page.getByRole("link", { name: "Tokens" }).click();
    await page.waitForURL(`${url}/admin/tokens`);
    // Let the page's own requests finish first: one still in flight would meet the expired
    // session and redirect before the click this test is about.
    await page.waitForLoadState("networkidle");
    await context.clearCookies();
    await page.getByRole("link", { name: "Keys" }).click();
    await page.getByText("Your session has expired.", { exact: false }).waitFor();
    expect(page.url()).toContain("next=%2Fadmin%2Fkeys");
    await logIn(page);
    await page.waitForURL(`${url}/admin/keys`);
  });

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
    expect(rig.consoleErrors).toEqual([]);
    expect(rig.overflows).toEqual([]);
    expect(ADMIN_PASSWORD).toBeTruthy();
  });
});
