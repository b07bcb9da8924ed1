import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { expectCleanRun, signIn } from "./steps.js";

const VALID = ["sk-shared-key-0001", "sk-shared-key-0002"];
const DEAD = "sk-shared-dead-001";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ keys: { ...Object.fromEntries(VALID.map((k) => [k, "ok" as const])), [DEAD]: "invalid" } });
  const added = await rig.admin("/admin/api/keys", {
    json: { provider: "openai", keys: [...VALID, DEAD], check: { interval: { mode: "fixed", ms: 0 }, retries: 0 } },
  });
  expect(added.status).toBe(201);
  const open = await rig.admin("/admin/api/settings", { method: "PATCH", json: { accessMode: "open" } });
  expect(open.status).toBe(200);
  await signIn(rig, "/admin/settings");
});

afterAll(async () => {
  await rig?.close();
});

/** The public page as an anonymous visitor sees it: a browser context with no admin cookie. */
async function visitorPage() {
  const browser = rig.context.browser() ?? (await chromium.launch());
  const context = await browser.newContext({ permissions: ["clipboard-read", "clipboard-write"] });
  const page = await context.newPage();
  await page.goto(`${rig.url}/`);
  return { page, close: () => context.close() };
}

describe("public key sharing in Chromium", () => {
  it("is off by default: visitors of an open page see masked keys and nothing to copy", async () => {
    const visitor = await visitorPage();
    await visitor.page.getByTestId("public-total").waitFor();
    expect(await visitor.page.getByTestId("shared-keys").count()).toBe(0);
    expect(await visitor.page.content()).not.toContain(VALID[0]);
    await visitor.close();
  });

  it("an admin turns it on past a warning; then a visitor copies exactly the valid keys", async () => {
    const { page } = rig;
    const toggle = page.getByLabel("Share valid keys on the public page");
    expect(await toggle.isChecked()).toBe(false);
    await toggle.check();
    const warning = page.getByRole("alert").filter({ hasText: "copy the full secret of every valid key" });
    await warning.waitFor();
    await rig.screenshot("settings-key-sharing");
    await page.getByRole("button", { name: "Save settings" }).click();
    await page.getByText("Settings saved.").waitFor();

    const visitor = await visitorPage();
    const notice = visitor.page.getByTestId("shared-keys");
    await notice.waitFor();
    expect(await notice.textContent()).toContain("2 can be copied");
    await visitor.page.getByRole("button", { name: "Copy valid keys" }).click();
    await visitor.page.getByRole("button", { name: "Copied" }).waitFor();
    const copied = await visitor.page.evaluate(() => navigator.clipboard.readText());
    expect(copied.split("\n").sort()).toEqual([...VALID].sort());
    await visitor.close();
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
