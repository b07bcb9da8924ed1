/** Steps the browser tests share: seeding keys through the admin API, signing in, and the final clean-run check. */
import { afterAll, beforeAll, expect } from "vitest";
import { logIn, type Rig, startRig } from "./harness.js";

/**
 * Adds keys through the admin API (setup, not UI). With `check`, the keys are checked at once
 * (no interval, no retries) and this waits until the check job has finished.
 */
export async function addKeys(rig: Rig, keys: string[], { provider = "openai", check = false } = {}) {
  const json = { provider, keys, ...(check ? { check: { interval: { mode: "fixed", ms: 0 }, retries: 0 } } : {}) };
  const added = await rig.admin("/admin/api/keys", { json });
  expect(added.status).toBe(201);
  const jobId = ((await added.json()) as { check?: { jobId: string } }).check?.jobId;
  if (!check) return;
  expect(jobId).toBeTruthy();
  // expect.poll works only inside a test; this runs in beforeAll.
  for (let i = 0; i < 200; i++) {
    const job = (await (await rig.admin(`/admin/api/checks/${jobId}`)).json()) as { status: string };
    if (job.status !== "running") return expect(job.status).toBe("done");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`check job ${jobId} still running after 20 s`);
}

/** Opens `path` (the rig starts signed out), signs in on the login page it redirects to, and waits to be back. */
export async function signIn(rig: Rig, path: string) {
  await rig.page.goto(`${rig.url}${path}`);
  await logIn(rig.page);
  await rig.page.waitForURL(`${rig.url}${path}`);
}

/** What every browser test file checks last: the pages it visited logged nothing and fit their viewport. */
export function expectCleanRun(rig: Rig) {
  expect(rig.consoleErrors).toEqual([]);
  expect(rig.overflows).toEqual([]);
}

/** One rig for a test file: started and signed in at `path` before its tests, closed after them. */
export function signedInRig(mockOptions: Parameters<typeof startRig>[0], path: string): () => Rig {
  let rig: Rig | undefined;
  beforeAll(async () => {
    rig = await startRig(mockOptions);
    await signIn(rig, path);
  });
  afterAll(async () => {
    await rig?.close();
  });
  return () => {
    if (!rig) throw new Error("the rig has not started");
    return rig;
  };
}
