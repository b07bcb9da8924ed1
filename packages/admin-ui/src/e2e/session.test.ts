import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, logIn, type Rig, startRig } from "./harness.js";
import { expectCleanRun } from "./steps.js";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig();
});

afterAll(async () => {
  await rig?.close();
});

describe("signing in and session expiry in Chromium", () => {
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

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
    expect(ADMIN_PASSWORD).toBeTruthy();
  });
});
