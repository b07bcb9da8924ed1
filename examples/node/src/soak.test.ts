/** The short chaos soak (`npm run soak` for 60 s, see SOAK.md) against the node gateway. */
import { expect, it } from "vitest";
import { runSoak } from "../../../scripts/soak/run.mjs";

it(
  "survives 60 s of 200 clients over a pool of every wire fault, with admin writes and re-checks",
  async () => {
    const { status, report, output } = await runSoak({ runtime: "node", seconds: 60 });
    expect(status, output).toBe(0);
    expect(report?.failures).toEqual([]);
    expect(Object.values(report?.checks ?? {}).every(Boolean)).toBe(true);
    // Memory is judged on the live heap after a full GC (read through the inspector), not on RSS.
    expect(report?.checks).toHaveProperty(["live heap growth ≤ 10%"], true);
    console.log(output.split("\n").find((line) => line.includes("live heap after a full GC")));
    const requests = report?.requests;
    expect(requests?.requests).toBeGreaterThan(60 * 50);
    // Some requests of each kind were answered, interrupted mid-stream and aborted by the client.
    expect(requests?.ok).toBeGreaterThan(0);
    expect(requests?.okStream).toBeGreaterThan(0);
    expect(requests?.streamErrorEvents).toBeGreaterThan(0);
    expect(requests?.aborted).toBeGreaterThan(0);
    expect(report?.admin.operations).toBeGreaterThan(10);
  },
  60_000 + 120_000,
);
