import { describe, expect, it } from "vitest";
import { MOCK_KEYS, OK } from "./mock-keys.js";
import { signedInRig } from "./steps.js";

const rigOf = signedInRig(MOCK_KEYS, "/admin/keys");

describe("adding keys when the connection breaks (Chromium)", () => {
  it("says how far the job got, and Add again finishes it with one Idempotency-Key and no duplicates", async () => {
    const rig = rigOf();
    const { page } = rig;
    const sent: (string | null)[] = [];
    // The gateway stores the keys, then the answer is lost on the way back (a reset connection).
    let breakNext = true;
    await page.route("**/admin/api/keys", async (route) => {
      if (route.request().method() !== "POST") return route.continue();
      sent.push(await route.request().headerValue("idempotency-key"));
      if (!breakNext) return route.continue();
      breakNext = false;
      await route.fetch();
      await route.abort("connectionreset");
    });
    await page.getByRole("button", { name: "Add keys" }).click();
    const dialog = page.getByRole("dialog", { name: "Add keys" });
    await dialog.getByLabel("Keys", { exact: true }).fill(OK.join("\n"));
    await dialog.getByLabel("Check the new keys right away").uncheck();
    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.getByText("The connection broke after 5 of 5 keys were stored (done)").waitFor();
    expect(rig.gateway.pool.keysOf()).toHaveLength(5);

    await dialog.getByRole("button", { name: "Add", exact: true }).click();
    await dialog.getByTestId("add-summary").waitFor();
    // The replay answers what the first attempt did: 5 added, not 5 duplicates.
    expect(await dialog.getByTestId("add-summary").textContent()).toBe("Added 5 · duplicates 0 · rejected 0");
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatch(/^ui-[0-9a-f]{32}$/);
    expect(sent[1]).toBe(sent[0]);
    expect(rig.gateway.pool.keysOf()).toHaveLength(5);
    // The only console error is the reset connection itself.
    expect(rig.consoleErrors.filter((e) => !e.includes("ERR_CONNECTION_RESET"))).toEqual([]);
    expect(rig.overflows).toEqual([]);
  });
});
