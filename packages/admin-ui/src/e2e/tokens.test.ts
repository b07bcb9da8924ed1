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

describe("client tokens in Chromium", () => {
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

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
