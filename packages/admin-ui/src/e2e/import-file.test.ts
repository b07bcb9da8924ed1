import { describe, expect, it } from "vitest";
import { MOCK_KEYS, OK } from "./mock-keys.js";
import { expectCleanRun, signedInRig } from "./steps.js";

const rigOf = signedInRig(MOCK_KEYS, "/admin/keys");

describe("importing a key file in Chromium", () => {
  it("loads a key|balance export: keys added with their balances, the malformed line rejected alone", async () => {
    const rig = rigOf();
    const { page } = rig;
    await page.getByRole("button", { name: "Add keys" }).click();
    const dialog = page.getByRole("dialog", { name: "Add keys" });
    const dump = `${OK[0]}|12.5\n${OK[1]}|3\n${OK[2]}|1|2\n`;
    await dialog.locator('input[type="file"]').setInputFiles({
      name: "keyhive-valid-2026-12-03.txt",
      mimeType: "text/plain",
      buffer: Buffer.from(dump),
    });
    await dialog.getByTestId("import-file").waitFor();
    expect(await dialog.getByLabel("Keys", { exact: true }).inputValue()).toBe(dump);
    await dialog.getByLabel("Check the new keys right away").uncheck();
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.getByTestId("add-summary").waitFor();
    expect(await dialog.getByTestId("add-summary").textContent()).toBe("Added 2 · duplicates 0 · rejected 1");
    await dialog.getByText("line 3").waitFor();
    const balances = Object.fromEntries(rig.gateway.pool.keysOf().map((k) => [k.secret, k.balance]));
    expect(balances).toEqual({ [OK[0] as string]: 12.5, [OK[1] as string]: 3 });
    await dialog.getByRole("button", { name: "Close" }).last().click();
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rigOf());
  });
});
