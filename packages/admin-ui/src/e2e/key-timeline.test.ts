import { beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TOKEN, type Rig } from "./harness.js";
import { addKeys, expectCleanRun, signedInRig } from "./steps.js";

// A key's timeline from the keys page: a dead key goes active → invalid on its first request;
// its drawer lists that change with its reason, draws latency and error rate, and links to its requests.
const DEAD = "sk-dead-key-000001";
const LIVE = "sk-live-key-000001";
const rig = signedInRig({ keys: { [DEAD]: "invalid", [LIVE]: "ok" } }, "/admin/keys");

async function chat(r: Rig) {
  const response = await fetch(`${r.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

let deadId = "";

beforeAll(async () => {
  // Round-robin starts at the first key added: the dead one is tried first, then the live one.
  const patched = await rig().admin("/admin/api/settings", { method: "PATCH", json: { strategy: "round-robin" } });
  expect(patched.status).toBe(200);
  await addKeys(rig(), [DEAD, LIVE]);
  for (let i = 0; i < 3; i++) expect(await chat(rig())).toBe(200);
  const keys = (await (await rig().admin("/admin/api/keys?status=invalid")).json()) as { data: { id: string }[] };
  expect(keys.data).toHaveLength(1);
  deadId = keys.data[0]!.id;
  await rig().page.reload();
});

interface Timeline {
  transitions: { from: string; to: string; reason?: string }[];
  buckets: { requests: number; failures: number }[];
}

describe("the key timeline in Chromium", () => {
  it("lists DEAD's change active → invalid with its reason, both charts and its bucket totals", async () => {
    const { page } = rig();
    const api = (await (await rig().admin(`/admin/api/keys/${deadId}/timeline`)).json()) as Timeline;
    const reason = api.transitions[0]?.reason ?? "";
    expect(reason).not.toBe("");
    const requests = api.buckets.reduce((n, b) => n + b.requests, 0);
    const failures = api.buckets.reduce((n, b) => n + b.failures, 0);
    expect(failures).toBeGreaterThan(0);

    await page.locator(`tr[data-key-id="${deadId}"]`).getByRole("button", { name: "Timeline" }).click();
    const dialog = page.getByRole("dialog");
    const row = dialog.getByTestId("transitions").locator("tbody tr").first();
    await row.waitFor();
    expect(await row.getAttribute("data-from")).toBe("active");
    expect(await row.getAttribute("data-to")).toBe("invalid");
    const text = (await row.textContent()) ?? "";
    expect(text).toContain("Valid");
    expect(text).toContain("Invalid");
    expect(text).toContain(reason);
    expect(await dialog.locator("canvas").count()).toBe(2);
    const summary = dialog.getByTestId("timeline-summary");
    expect(await summary.getAttribute("data-requests")).toBe(String(requests));
    expect(await summary.getAttribute("data-failures")).toBe(String(failures));
    const noun = (n: number, one: string) => (n === 1 ? `1 ${one}` : `${n} ${one}s`);
    expect(await summary.textContent()).toContain(`${noun(requests, "request")}, ${noun(failures, "failure")}`);
    const link = dialog.getByRole("link", { name: "See requests" });
    expect(await link.getAttribute("href")).toBe(`/admin/logs?key=${deadId}`);
    await rig().screenshot("key-timeline-en");
  });

  it("is full screen at 375 px and renders in zh-CN", async () => {
    const { page } = rig();
    await page.setViewportSize({ width: 375, height: 812 });
    const box = await page.getByRole("dialog").boundingBox();
    expect(box).toMatchObject({ x: 0, y: 0, width: 375, height: 812 });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole("dialog").getByRole("button", { name: "Close" }).click();
    await page.locator("#lang-select").selectOption("zh-CN");
    await page.getByRole("heading", { name: "密钥", level: 1 }).waitFor();
    await page.locator(`tr[data-key-id="${deadId}"]`).getByRole("button", { name: "时间线" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByTestId("transitions").waitFor();
    expect(await dialog.getByTestId("timeline-summary").textContent()).toContain("次失败");
    expect(await dialog.getByRole("link", { name: "查看请求" }).getAttribute("href")).toBe(`/admin/logs?key=${deadId}`);
    await rig().screenshot("key-timeline-zh");
  });

  it("See requests opens the Logs page filtered by the key: its one request", async () => {
    const { page, url } = rig();
    await page.getByRole("dialog").getByRole("link", { name: "查看请求" }).click();
    await page.waitForURL(`${url}/admin/logs?key=${deadId}`);
    await expect.poll(() => page.locator("tbody tr.clickable").count()).toBe(1);
    expect(await page.getByLabel("密钥 ID").inputValue()).toBe(deadId);
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig());
  });
});
