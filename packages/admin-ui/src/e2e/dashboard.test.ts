import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TOKEN, logIn, type Rig, startRig } from "./harness.js";

// SiliconFlow keys report balances, so every dashboard chart has data.
const sfKey = (i: number) =>
  `sk-${String.fromCharCode(97 + (i % 26)).repeat(24)}${"abcdefghijklmnopqrstuvwx".slice(0, 24 - String(i).length)}${"q".repeat(String(i).length)}`;
const BALANCES = [0, 5, 11, 12.5, 13.5, 14, 20, 50, 150, 2000];
const KEYS = BALANCES.map((_, i) => sfKey(i));

let rig: Rig;

beforeAll(async () => {
  rig = await startRig(
    { keys: { "sk-openai-dash-0001": "ok" } },
    {
      keys: Object.fromEntries(
        KEYS.map((k, i) => [k, BALANCES[i] === 0 ? ("zero-balance" as const) : ("ok" as const)]),
      ),
      balances: Object.fromEntries(KEYS.map((k, i) => [k, { balance: String(BALANCES[i]), chargeBalance: "0" }])),
    },
  );
  const added = await rig.admin("/admin/api/keys", { json: { provider: "siliconflow", keys: KEYS, check: false } });
  expect(added.status).toBe(201);
  const job = (await (
    await rig.admin("/admin/api/checks", { json: { all: true, interval: { mode: "fixed", ms: 0 } } })
  ).json()) as {
    jobId: string;
  };
  for (let i = 0; i < 100; i++) {
    const state = (await (await rig.admin(`/admin/api/checks/${job.jobId}`)).json()) as { status: string };
    if (state.status !== "running") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // A little traffic for the requests chart.
  for (let i = 0; i < 3; i++) {
    await fetch(`${rig.url}/v1/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "Qwen/Qwen3-8B", messages: [{ role: "user", content: "Hi" }] }),
    }).then((r) => r.arrayBuffer());
  }
  await rig.gateway.flush();
});

afterAll(async () => {
  await rig?.close();
});

describe("dashboard with balances in Chromium", () => {
  it("shows balance cards and draws every chart", async () => {
    const { page, url } = rig;
    await page.goto(`${url}/admin`);
    await logIn(page);
    await page.getByText("Total keys").waitFor();
    const cards = await page.locator(".metric").allTextContents();
    expect(cards.find((c) => c.startsWith("Max balance"))).toContain("2,000");
    expect(cards.find((c) => c.startsWith("Total keys"))).toContain("10");
    // Histogram, doughnut and top keys have data; each draws a canvas.
    await page.locator(".chart-box canvas").nth(2).waitFor();
    expect(await page.locator(".chart-box canvas").count()).toBeGreaterThanOrEqual(3);
    await page.getByRole("button", { name: "All" }).click();
    await page.getByLabel("Filter outliers").first().check();
    await page.waitForTimeout(300);
    await rig.screenshot("dashboard-balances");
    await page.getByLabel("Language").selectOption("zh-CN");
    await page.getByText("余额分布").waitFor();
    await page.waitForTimeout(200);
    await rig.screenshot("dashboard-balances-zh");
    await page.getByLabel("语言").selectOption("en");
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expect(rig.consoleErrors).toEqual([]);
    expect(rig.overflows).toEqual([]);
  });
});
