import { Worker } from "node:worker_threads";
import { beforeAll, describe, expect, it } from "vitest";
import { CLIENT_TOKEN, type Rig } from "./harness.js";
import { addKeys, expectCleanRun, signedInRig } from "./steps.js";

// The Logs page under load: Live on while the gateway serves ~500 requests/s for 5 s (from this
// process, paced, bounded concurrency). A marker request (its own model) shows within 1 s of its
// answer, the page keeps at most 500 rows, renders once per batch, not once per record, runs no
// task of 500 ms or more, and the marker's row still opens its detail.
const KEYS = ["sk-load-key-000001", "sk-load-key-000002", "sk-load-key-000003"];
const rig = signedInRig({ keys: Object.fromEntries(KEYS.map((k) => [k, "ok" as const])) }, "/admin/logs");
const RATE = 500;
const SECONDS = 5;
const CONCURRENCY = 64;
const MARKER = "marker-model-load";
const ROWS = "tbody tr[data-id]";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function chat(r: Rig, model = "gpt-4o-mini") {
  const response = await fetch(`${r.url}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${CLIENT_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "hi" }] }),
  });
  await response.text();
  return response.status;
}

/**
 * RATE requests a second for SECONDS from a worker thread (the gateway keeps this thread's event
 * loop): request i is due at start + i/RATE, at most CONCURRENCY in flight; answers the count.
 */
const LOAD = `
const { parentPort, workerData: { url, token, rate, seconds, concurrency } } = require("node:worker_threads");
const total = rate * seconds;
const start = performance.now();
let next = 0, ok = 0, failed = 0;
const body = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });
const headers = { authorization: "Bearer " + token, "content-type": "application/json" };
async function worker() {
  for (let i = next++; i < total; i = next++) {
    const wait = start + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    try {
      const response = await fetch(url + "/v1/chat/completions", { method: "POST", headers, body });
      await response.text();
      if (response.status === 200) ok++; else failed++;
    } catch { failed++; }
  }
}
Promise.all(Array.from({ length: concurrency }, worker)).then(() =>
  parentPort.postMessage({ ok, failed, seconds: (performance.now() - start) / 1000 }));
`;

async function load(r: Rig): Promise<{ ok: number; failed: number; seconds: number; rate: number }> {
  const workerData = { url: r.url, token: CLIENT_TOKEN, rate: RATE, seconds: SECONDS, concurrency: CONCURRENCY };
  const worker = new Worker(LOAD, { eval: true, workerData });
  try {
    const sent = await new Promise<{ ok: number; failed: number; seconds: number }>((resolve, reject) => {
      worker.once("message", resolve);
      worker.once("error", reject);
    });
    return { ...sent, rate: Math.round(sent.ok / sent.seconds) };
  } finally {
    await worker.terminate();
  }
}

/** Until `done`, every 100 ms: how long the page takes to answer, and how many rows it holds. */
async function probe(r: Rig, done: () => boolean) {
  const roundTrips: number[] = [];
  let maxRows = 0;
  while (!done()) {
    const before = performance.now();
    const rows = await r.page.evaluate((selector) => document.querySelectorAll(selector).length, ROWS);
    roundTrips.push(performance.now() - before);
    maxRows = Math.max(maxRows, rows);
    await sleep(100);
  }
  roundTrips.sort((a, b) => a - b);
  const at = (q: number) => Math.round(roundTrips[Math.min(roundTrips.length - 1, Math.floor(q * roundTrips.length))]!);
  return { samples: roundTrips.length, p50: at(0.5), p95: at(0.95), max: at(1), maxRows };
}

/**
 * The marker, sent 4.4 s into the load (so the rows after it stay under the 500 kept): ms from
 * its answer to its row in the page (the page notes when; no round trip to this process counts).
 */
async function marker(r: Rig) {
  await sleep(SECONDS * 880);
  expect(await chat(r, MARKER)).toBe(200);
  const answered = Date.now();
  for (let i = 0; i < 100; i++) {
    const seen = await r.page.evaluate(() => (window as unknown as { watch: Watch }).watch.markerAt);
    if (seen) return seen - answered;
    await sleep(50);
  }
  return Number.POSITIVE_INFINITY;
}

interface Watch {
  renders: number;
  lagMs: number;
  longestTaskMs: number;
  markerAt: number;
}

/**
 * In the page: counts commits to the rows' <tbody> (one MutationObserver callback per render,
 * however many rows it adds), notes when the marker's row came (and pauses Live), the longest delay of a 20 ms
 * timer and the longest task.
 */
function watchPage([selector, model]: [string, string]) {
  const watch: Watch = { renders: 0, lagMs: 0, longestTaskMs: 0, markerAt: 0 };
  (window as unknown as { watch: Watch }).watch = watch;
  new MutationObserver((records) => {
    watch.renders++;
    if (watch.markerAt) return;
    const added = records.flatMap((m) => [...m.addedNodes]);
    if (!added.some((node) => node.textContent?.includes(model))) return;
    watch.markerAt = Date.now();
    // Live off at once, as an operator would to read it: the load still running would push the
    // marker past the 500 rows kept before the test could open it.
    document.querySelector<HTMLButtonElement>("[data-testid=live]")!.click();
  }).observe(document.querySelector(selector)!, { childList: true });
  let due = performance.now() + 20;
  setInterval(() => {
    const now = performance.now();
    watch.lagMs = Math.max(watch.lagMs, Math.round(now - due));
    due = now + 20;
  }, 20);
  new PerformanceObserver((list) => {
    for (const task of list.getEntries())
      watch.longestTaskMs = Math.max(watch.longestTaskMs, Math.round(task.duration));
  }).observe({ type: "longtask" });
}

beforeAll(async () => {
  await addKeys(rig(), KEYS);
  expect(await chat(rig())).toBe(200);
  await rig().page.reload();
});

describe("the Logs page with Live on under ~500 requests/s", () => {
  it("shows the marker within 1 s, keeps ≤ 500 rows, renders once per batch, never freezes", async () => {
    const { page } = rig();
    await page.getByRole("heading", { name: "Logs", level: 1 }).waitFor();
    await page.getByTestId("live").click();
    await page.locator("output.notice").waitFor();
    await page.evaluate(watchPage, ["tbody", MARKER] as [string, string]);
    let finished = false;
    const traffic = load(rig()).finally(() => {
      finished = true;
    });
    const [sent, responsive, markerMs] = await Promise.all([traffic, probe(rig(), () => finished), marker(rig())]);
    const { renders, lagMs, longestTaskMs } = await page.evaluate(() => (window as unknown as { watch: Watch }).watch);
    console.info("logs under load", { ...sent, markerMs, ...responsive, renders, lagMs, longestTaskMs });

    expect(sent.failed).toBe(0);
    expect(markerMs).toBeLessThan(1000);
    // The page never freezes: no task of half a second. (A task's length, the timer lag and the
    // round trips also count the 2 cores this process's gateway and Chromium share: ~100-190 ms
    // here on an idle machine, printed above; the bound is for a CI machine running other suites.)
    expect(longestTaskMs).toBeLessThan(500);
    expect(responsive.maxRows).toBeLessThanOrEqual(500);
    // Tail batches come at most every 100 ms (+ the page's 50 ms): ~10–20 renders a second, not one per record.
    expect(renders).toBeLessThan(sent.ok / 5);
    expect(renders).toBeLessThanOrEqual(SECONDS * 25);

    await page.locator(ROWS, { hasText: MARKER }).click();
    const dialog = page.getByRole("dialog");
    expect(await dialog.textContent()).toContain(MARKER);
    await dialog.getByRole("button", { name: "Close" }).last().click();
  });

  it("logs no console errors or CSP violations, and no page is wider than its viewport", () => {
    expectCleanRun(rig());
  });
});
