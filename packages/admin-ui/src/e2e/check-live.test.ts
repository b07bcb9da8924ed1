import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Rig, startRig } from "./harness.js";
import { MOCK_KEYS, SLOW } from "./mock-keys.js";
import { expectCleanRun, signIn } from "./steps.js";

let rig: Rig;

beforeAll(async () => {
  rig = await startRig(MOCK_KEYS);
  const added = await rig.admin("/admin/api/keys", { json: { provider: "openai", keys: SLOW, check: false } });
  expect(added.status).toBe(201);
  await signIn(rig, "/admin/keys");
});

afterAll(async () => {
  await rig?.close();
});

describe("changing a running check in Chromium (the seed's live rate control)", () => {
  it("raises concurrency and cuts the interval while the job runs; the job adopts both and finishes", async () => {
    const { page } = rig;
    await page.getByRole("button", { name: "Check all" }).click();
    const dialog = page.getByRole("dialog", { name: "Batch check" });
    await dialog.getByLabel("Concurrency (1–50)").fill("1");
    await dialog.getByLabel("Fixed").check();
    await dialog.getByLabel("Interval (ms)", { exact: true }).fill("500");
    await dialog.getByLabel("Retries (0–5)").fill("0");
    await dialog.getByRole("button", { name: "Start check" }).click();
    // At 1 at a time, 300 ms per check plus 500 ms between them, 30 keys take 24 s.
    const live = dialog.getByRole("form", { name: "Change while it runs" });
    await live.waitFor();
    expect(await live.getByTestId("live-settings").textContent()).toBe(
      "Running with 1 at a time, 500 ms between checks",
    );
    await rig.screenshot("keys-check-live-control");
    await live.getByLabel("Concurrency (1–50)").fill("3");
    await live.getByLabel("Interval (ms)").fill("100");
    await live.getByRole("button", { name: "Apply now" }).click();
    await live.getByText("Running with 3 at a time, 100 ms between checks").waitFor();

    const { data: jobs } = (await (await rig.admin("/admin/api/checks")).json()) as {
      data: { settings: { concurrency: number; interval: unknown } }[];
    };
    expect(jobs.at(-1)?.settings).toMatchObject({ concurrency: 3, interval: { mode: "fixed", ms: 100 } });
    // With the new settings the rest takes about 4 s; with the old ones 20 s more.
    await dialog.locator('[data-job-status="done"]').waitFor({ timeout: 12_000 });
    expect(await dialog.getByTestId("check-count").textContent()).toBe("30 / 30");
    expect(await live.count()).toBe(0); // only while running
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig);
  });
});
