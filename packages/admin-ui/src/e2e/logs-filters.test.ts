import { beforeAll, describe, expect, it } from "vitest";
import type { Rig } from "./harness.js";
import { CLIENT_TOKEN } from "./harness.js";
import { addKeys, expectCleanRun, signedInRig } from "./steps.js";

// The Logs page's filters live in its URL: a link such as the key timeline's "See requests" or a
// reload shows the same rows; the time range, token and key filters narrow them.
const DEAD = "sk-dead-key-000001";
const LIVE = "sk-live-key-000001";
const rig = signedInRig({ keys: { [DEAD]: "invalid", [LIVE]: "ok" } }, "/admin/logs");

async function chat(r: Rig, token: string, model = "gpt-4o-mini") {
  const response = await fetch(`${r.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

let deadId = "";
let tokenId = "";

beforeAll(async () => {
  // Round-robin starts at the first key added: only the first request tries the dead key.
  const patched = await rig().admin("/admin/api/settings", { method: "PATCH", json: { strategy: "round-robin" } });
  expect(patched.status).toBe(200);
  await addKeys(rig(), [DEAD, LIVE]);
  const created = await rig().admin("/admin/api/tokens", { json: { name: "e2e-filters" } });
  expect(created.status).toBe(201);
  const { token, record } = (await created.json()) as { token: string; record: { id: string } };
  tokenId = record.id;
  expect(await chat(rig(), CLIENT_TOKEN)).toBe(200);
  expect(await chat(rig(), CLIENT_TOKEN, "missing-model")).toBe(404);
  expect(await chat(rig(), token)).toBe(200);
  const keys = (await (await rig().admin("/admin/api/keys?status=invalid")).json()) as { data: { id: string }[] };
  deadId = keys.data[0]?.id ?? "";
  expect(deadId).not.toBe("");
});

const rows = () => rig().page.locator("tbody tr.clickable");
const pathAndQuery = () => {
  const url = new URL(rig().page.url());
  return url.pathname + url.search;
};

describe("the Logs page's filters in Chromium", () => {
  it("opens /admin/logs?failed=true with only the failed rows and the checkbox checked", async () => {
    const { page, url } = rig();
    await page.goto(`${url}/admin/logs?failed=true`);
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain("404");
    expect(await page.getByLabel("Failed only").isChecked()).toBe(true);
    await page.getByLabel("Failed only").uncheck();
    await expect.poll(() => rows().count()).toBe(3);
    expect(pathAndQuery()).toBe("/admin/logs");
  });

  it("a key filter updates the URL, the rows and the export links; a reload keeps it", async () => {
    const { page } = rig();
    await page.getByLabel("Key id").fill(deadId);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(pathAndQuery).toBe(`/admin/logs?key=${deadId}`);
    await expect.poll(() => rows().count()).toBe(1);
    expect(await rows().first().textContent()).toContain("200");
    const csv = await page.getByRole("link", { name: "Export CSV" }).getAttribute("href");
    expect(csv).toBe(`/admin/api/logs/export?key=${deadId}&format=csv`);
    await page.reload();
    await page.getByRole("heading", { name: "Logs", level: 1 }).waitFor();
    await expect.poll(() => rows().count()).toBe(1);
    expect(await page.getByLabel("Key id").inputValue()).toBe(deadId);
    expect(pathAndQuery()).toBe(`/admin/logs?key=${deadId}`);
  });

  it("filters by token and by time range", async () => {
    const { page, url } = rig();
    await page.goto(`${url}/admin/logs`);
    await expect.poll(() => rows().count()).toBe(3);
    await page.getByLabel("Token").selectOption(tokenId);
    await expect.poll(pathAndQuery).toBe(`/admin/logs?token=${tokenId}`);
    await expect.poll(() => rows().count()).toBe(1);
    await page.getByLabel("Time range").selectOption("15m");
    await expect.poll(pathAndQuery).toBe(`/admin/logs?range=15m&token=${tokenId}`);
    await expect.poll(() => rows().count()).toBe(1);
    const csv = (await page.getByRole("link", { name: "Export CSV" }).getAttribute("href")) ?? "";
    expect(new URL(csv, url).searchParams.get("since")).toMatch(/^\d+$/);
    await page.getByRole("button", { name: "Reset" }).click();
    await expect.poll(pathAndQuery).toBe("/admin/logs");
    await expect.poll(() => rows().count()).toBe(3);
  });

  it.each([
    { lang: "en", heading: "Logs", screenshot: "logs-filters-en" },
    { lang: "zh-CN", heading: "日志", screenshot: "logs-filters-zh" },
  ])("renders in $lang at 1280×800 and 375×812", async ({ lang, heading, screenshot }) => {
    const { page } = rig();
    await page.locator("#lang-select").selectOption(lang);
    await page.getByRole("heading", { name: heading, level: 1 }).waitFor();
    await rig().screenshot(screenshot);
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig());
  });
});
