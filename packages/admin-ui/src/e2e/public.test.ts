import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";

const KEYS = ["sk-public-key-0001", "sk-public-key-0002", "sk-public-key-0003"];
const GUEST_PASSWORD = "guest-password-e2e";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig({ keys: Object.fromEntries(KEYS.map((k) => [k, "ok" as const])) });
  const added = await rig.admin("/admin/api/keys", { json: { provider: "openai", keys: KEYS } });
  expect(added.status).toBe(201);
});

afterAll(async () => {
  await rig?.close();
});

async function setMode(accessMode: string, extra: Record<string, unknown> = {}) {
  const res = await rig.admin("/admin/api/settings", { method: "PATCH", json: { accessMode, ...extra } });
  expect(res.status).toBe(200);
}

async function expectGuide() {
  const { page, url } = rig;
  // The deployment's real base URL, never a placeholder domain.
  expect(await page.getByTestId("base-url").textContent()).toBe(`${url}/v1`);
  expect(await page.getByTestId("example-curl").textContent()).toContain(`curl ${url}/v1/chat/completions`);
  await page.getByRole("tab", { name: "Python" }).click();
  expect(await page.getByTestId("example-python").textContent()).toContain(`base_url="${url}/v1"`);
  await page.getByRole("tab", { name: "Python" }).press("ArrowRight");
  expect(await page.getByTestId("example-javascript").textContent()).toContain(`baseURL: "${url}/v1"`);
  expect(await page.content()).not.toMatch(/example\.com|your-domain/);
}

describe("public page in Chromium", () => {
  it("private mode shows no keys, only the notice and the usage guide", async () => {
    await setMode("private");
    const { page, url } = rig;
    await page.goto(`${url}/`);
    await page.getByTestId("private-notice").waitFor();
    expect(await page.locator("table").count()).toBe(0);
    await expectGuide();
    await rig.screenshot("public-private");
  });

  it("open mode lists masked keys with balances and totals", async () => {
    await setMode("open");
    const { page } = rig;
    await page.reload();
    await page.getByTestId("public-total").waitFor();
    expect(await page.getByTestId("public-total").textContent()).toContain("3 keys");
    expect(await page.locator("tbody tr").count()).toBe(3);
    const html = await page.content();
    for (const key of KEYS) expect(html).not.toContain(key);
    await expectGuide();
    await rig.screenshot("public-open");
  });

  it("restricted mode asks for the guest password first", async () => {
    await setMode("restricted", { guestPassword: GUEST_PASSWORD });
    const { page } = rig;
    await page.reload();
    const form = page.getByTestId("guest-login");
    await form.waitFor();
    expect(await page.locator("table").count()).toBe(0);
    await rig.screenshot("public-restricted-login");
    await page.getByLabel("Guest password").fill("wrong-guess");
    await page.getByRole("button", { name: "Enter" }).click();
    await page.getByText("Wrong password.").waitFor();
    await page.getByLabel("Guest password").fill(GUEST_PASSWORD);
    await page.getByRole("button", { name: "Enter" }).click();
    await page.getByTestId("public-total").waitFor();
    expect(await page.locator("tbody tr").count()).toBe(3);
    await rig.screenshot("public-restricted");
  });

  it("speaks Chinese when the visitor picks it, and remembers it", async () => {
    const { page } = rig;
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByRole("heading", { name: "使用指南" }).waitFor();
    await page.reload();
    await page.getByRole("heading", { name: "使用指南" }).waitFor();
    await rig.screenshot("public-zh");
    await page.getByLabel("语言").selectOption("en");
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expect(rig.consoleErrors).toEqual([]);
    expect(rig.overflows).toEqual([]);
  });
});
