import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { expectCleanRun, signIn } from "./steps.js";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
  await signIn(rig, "/admin/keys");
});

afterAll(async () => {
  await rig?.close();
});

describe("settings in Chromium", () => {
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
});

describe("the admin password and the language in Chromium", () => {
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

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
