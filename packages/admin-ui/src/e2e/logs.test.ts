import { beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TOKEN, type Rig, VIEWPORTS } from "./harness.js";
import { addKeys, expectCleanRun, signedInRig } from "./steps.js";

// The Logs page over the request log: a dead key then a live one, the attempts of a request,
// Live (the SSE tail) and the failed-only filter, in a real gateway in front of the mock upstream.
const DEAD = "sk-dead-key-000001";
const LIVE = "sk-live-key-000001";
const rig = signedInRig({ keys: { [DEAD]: "invalid", [LIVE]: "ok" } }, "/admin/logs");

/** A chat completion through the gateway with the client token; answers the status. */
async function chat(r: Rig, model = "gpt-4o-mini") {
  const response = await fetch(`${r.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

beforeAll(async () => {
  // Round-robin starts at the first key added: the dead one is tried first, then the live one.
  const patched = await rig().admin("/admin/api/settings", { method: "PATCH", json: { strategy: "round-robin" } });
  expect(patched.status).toBe(200);
  await addKeys(rig(), [DEAD, LIVE]);
  expect(await chat(rig())).toBe(200);
  await rig().page.reload();
});

const rows = () => rig().page.locator("tbody tr.clickable");

/** At 375×812 each request is a card: its details on screen, named by labels, no sideways scroll; it opens its detail. */
async function expectPhoneCards() {
  const { page } = rig();
  await page.locator("#lang-select").selectOption("en");
  await page.setViewportSize(VIEWPORTS.mobile);
  try {
    const card = rows().first();
    for (const col of ["time", "status", "model", "key", "duration"]) {
      const box = await card.locator(`td[data-col="${col}"]`).boundingBox();
      expect(box, col).not.toBeNull();
      expect(box!.x, col).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width, col).toBeLessThanOrEqual(VIEWPORTS.mobile.width);
    }
    // Labels name the details (no header row on a phone).
    expect(
      await card.locator('td[data-col="duration"]').evaluate((td) => getComputedStyle(td, "::before").content),
    ).toBe('"Duration"');
    const overflow = await page.evaluate(() => {
      const wrap = document.querySelector(".table-wrap")!;
      return { page: document.documentElement.scrollWidth - innerWidth, table: wrap.scrollWidth - wrap.clientWidth };
    });
    expect(overflow).toEqual({ page: 0, table: 0 });
    await card.click();
    await page.getByRole("dialog").waitFor();
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).last().click();
  } finally {
    await page.setViewportSize(VIEWPORTS.desktop);
  }
}

describe("the Logs page in Chromium", () => {
  it("shows the request; its detail lists both attempts, the first one key_invalid", async () => {
    const { page } = rig();
    await page.getByRole("heading", { name: "Logs", level: 1 }).waitFor();
    await expect.poll(() => rows().count()).toBe(1);
    const row = rows().first();
    expect(await row.textContent()).toContain("200");
    expect(await row.textContent()).toContain("gpt-4o-mini");
    await row.click();
    const dialog = page.getByRole("dialog");
    const attempts = dialog.getByTestId("attempts").locator("tbody tr");
    expect(await attempts.count()).toBe(2);
    expect(await attempts.nth(0).getAttribute("data-failure")).toBe("key_invalid");
    expect(await attempts.nth(0).textContent()).toContain("key_invalid");
    expect(await attempts.nth(0).textContent()).toContain("401");
    expect(await attempts.nth(1).getAttribute("data-failure")).toBe("");
    expect(await dialog.textContent()).not.toContain(DEAD);
    await rig().screenshot("logs-detail");
    await dialog.getByRole("button", { name: "Close" }).last().click();
  });

  it("with Live on, a request sent after opening the page appears within 1 s", async () => {
    const { page } = rig();
    await page.getByTestId("live").click();
    await page.locator("output.notice").waitFor();
    const before = await rows().count();
    const sent = Date.now();
    expect(await chat(rig())).toBe(200);
    await page.waitForFunction((n) => document.querySelectorAll("tbody tr.clickable").length > n, before, {
      timeout: 1000,
    });
    expect(Date.now() - sent).toBeLessThan(1000);
    expect(await rows().first().getAttribute("data-id")).not.toBe(await rows().nth(1).getAttribute("data-id"));
  });

  it("failed only hides the successful rows; the export links carry the filter", async () => {
    const { page } = rig();
    expect(await chat(rig(), "missing-model")).toBe(404);
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel("Failed only").check();
    // Until the filtered page has loaded, a row of the previous view may still show: wait for the
    // one failed row itself, not for any single row.
    await expect.poll(async () => (await rows().allTextContents()).map((text) => text.includes("404"))).toEqual([true]);
    const csv = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    expect(csv).toBe("/admin/api/logs/export?failed=true&format=csv");
    const exported = await page.evaluate(async (href) => (await fetch(href)).text(), csv ?? "");
    expect(exported.trim().split("\n")).toHaveLength(2); // the header and the failed request
    await page.getByLabel("Failed only").uncheck();
    await expect.poll(() => rows().count()).toBe(3);
  });

  it.each([
    { lang: "en", heading: "Logs", screenshot: "logs-en" },
    { lang: "zh-CN", heading: "日志", screenshot: "logs-zh" },
  ])("renders in $lang at 1280×800 and 375×812", async ({ lang, heading, screenshot }) => {
    const { page } = rig();
    await page.locator("#lang-select").selectOption(lang);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await rig().screenshot(screenshot);
  });

  it("on a phone (375×812) each request is a card: no sideways scroll, a card opens its detail", expectPhoneCards);

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig());
  });
});
