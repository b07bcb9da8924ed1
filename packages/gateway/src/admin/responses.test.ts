/**
 * The response schemas are not checked at run time (nothing on the hot path validates what it
 * sends), so this test holds them to the truth: real answers of every GET route parse with the
 * route's own response schema, strict objects included (an undocumented field fails).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as z from "zod/mini";
import { adminCall, chatBody, readSSE, startRig, type TestRig } from "../../test/support/index.js";
import { checkJobView, checkStarted } from "./schemas/checks.js";
import { exportedKey } from "./schemas/data.js";
import { ADMIN_ROUTES } from "./schemas/index.js";
import { addKeysResult } from "./schemas/keys.js";
import type { AdminRoute } from "./schemas/route-table.js";
import { tokenCreated } from "./schemas/tokens.js";

const DAY = 86_400_000;

/** Parses with a schema; on failure the message names the route and zod's issues. */
function expectShape(schema: z.core.$ZodType, value: unknown, what: string) {
  const parsed = z.safeParse(schema, value);
  if (!parsed.success) expect.fail(`${what}: ${JSON.stringify(parsed.error.issues)}`);
}

/** Seeds what every figure needs: keys with balances, history, a token, a finished check job, traffic. */
async function seed(rig: TestRig) {
  const added = await adminCall(rig, "/admin/api/keys", {
    json: { provider: "fake", keys: ["sk-shape-ok-000001", "sk-shape-ok-000002", "sk-shape-xx-000003", "bad key"] },
    headers: { "idempotency-key": "shape-job" }, // a bulk job, for GET /admin/api/jobs/bulk/{id}
  });
  expectShape(addKeysResult, await added.json(), "POST /admin/api/keys");
  const ids = rig.gateway.pool.keysOf().map((k) => k.id);
  rig.gateway.pool.patch(ids[0] as string, { balance: 14, tags: ["team-a"] });
  rig.gateway.pool.patch(ids[1] as string, { balance: 2000 });
  rig.gateway.pool.reportCheck(ids[2] as string, { status: "error", message: "network: ECONNRESET" });
  const now = Date.now();
  await rig.gateway.storage.history.append([
    { at: now - 2 * DAY, kind: "balance", keyId: ids[0], data: { balance: 20 } },
    { at: now - 3_600_000, kind: "balance", keyId: ids[1], data: { balance: 2000 } },
  ]);
  const token = await adminCall(rig, "/admin/api/tokens", { json: { name: "shapes", rpm: 100, models: ["a"] } });
  const created = (await token.json()) as z.output<typeof tokenCreated>;
  expectShape(tokenCreated, created, "POST /admin/api/tokens");
  const started = await adminCall(rig, "/admin/api/checks", {
    json: { all: true, interval: { mode: "fixed", ms: 0 }, retries: 0 },
  });
  const job = (await started.json()) as z.output<typeof checkStarted>;
  expectShape(checkStarted, job, "POST /admin/api/checks");
  for (let i = 0; i < 100; i++) {
    const view = (await (await adminCall(rig, `/admin/api/checks/${job.jobId}`)).json()) as { status: string };
    if (view.status !== "running") break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let i = 0; i < 2; i++) await rig.call("/v1/chat/completions", { json: chatBody() });
  const open = await adminCall(rig, "/admin/api/settings", {
    method: "PATCH",
    json: { accessMode: "open", publicKeySharing: true },
  });
  expect(open.status).toBe(200);
  const logged = (await (await adminCall(rig, "/admin/api/logs?limit=1")).json()) as { items: { id: string }[] };
  const logId = logged.items[0]?.id as string; // a request-log record, for GET /admin/api/logs/{id}
  return { keyId: ids[0] as string, tokenId: created.record.id, jobId: job.jobId, logId };
}

describe("GET responses parse with their route's response schema", () => {
  let rig: TestRig;
  let ids: Awaited<ReturnType<typeof seed>>;
  beforeAll(async () => {
    rig = await startRig({ keys: { "sk-shape-ok-000001": "ok", "sk-shape-ok-000002": "ok" } });
    ids = await seed(rig);
  });
  afterAll(() => rig.close());

  /** The calls that exercise each GET route (several where a query changes the shape). */
  const callsOf = (route: AdminRoute): string[] => {
    const path = route.path
      .replace("/keys/{id}", `/keys/${ids.keyId}`)
      .replace("/tokens/{id}", `/tokens/${ids.tokenId}`)
      .replace("/jobs/bulk/{id}", "/jobs/bulk/shape-job")
      .replace("/logs/{id}", `/logs/${ids.logId}`)
      .replace("{jobId}", ids.jobId);
    const variants: Record<string, string[]> = {
      "/admin/api/keys": ["", "?status=active,cooling&sort=balance&order=asc&pageSize=2", "?q=team-a"],
      "/admin/api/stats/balance-trend": ["", "?period=7d", "?period=all&filterOutliers=true"],
      "/admin/api/stats/requests": ["", "?period=7d", "?period=30d"],
      "/admin/api/stats/top-keys": ["", "?filterOutliers=true&n=1"],
      "/public/api/keys": ["", "?page=2&pageSize=1"],
    };
    return (variants[route.path] ?? [""]).map((query) => `${path}${query}`);
  };

  it("every JSON GET route, with real data", async () => {
    const jsonGets = ADMIN_ROUTES.filter(
      (r) => r.method === "get" && r.responses["200"]?.schema && !r.responses["200"].contentType,
    );
    expect(jsonGets.length).toBeGreaterThan(15);
    for (const route of jsonGets) {
      for (const path of callsOf(route)) {
        const res = await adminCall(rig, path);
        expect(res.status, path).toBe(200);
        expect(res.headers.get("content-type"), path).toContain("application/json");
        expectShape(route.responses["200"]?.schema as z.core.$ZodType, await res.json(), `GET ${path}`);
      }
    }
  });

  it("every other GET route answers its documented content type", async () => {
    const others = ADMIN_ROUTES.filter((r) => r.method === "get" && r.responses["200"]?.contentType);
    expect(others.map((r) => r.path).sort()).toEqual(
      [
        "/admin/api/backup",
        "/admin/api/checks/{jobId}/events",
        "/admin/api/export",
        "/admin/api/logs/export",
        "/admin/api/logs/tail",
        "/metrics",
      ].sort(),
    );
    for (const route of others) {
      const [path] = callsOf(route);
      const res = await adminCall(rig, path as string);
      expect(res.status, path).toBe(200);
      expect(res.headers.get("content-type"), path).toContain(route.responses["200"]?.contentType);
      // The live tail never ends by itself: its headers are the answer.
      if (route.path.endsWith("/tail")) await res.body?.cancel();
      else await res.text();
    }
  });

  it("the event stream's data and the JSON export parse with their shapes too", async () => {
    const events = await readSSE(await adminCall(rig, `/admin/api/checks/${ids.jobId}/events`));
    expect(events.map((e) => e.event)).toEqual(["progress", "done"]);
    for (const event of events) expectShape(checkJobView, JSON.parse(event.data), `event ${event.event}`);
    const exported = await adminCall(rig, "/admin/api/export?format=json");
    expect(exported.headers.get("content-type")).toContain("application/json");
    const rows = (await exported.json()) as unknown[];
    expect(rows.length).toBe(3);
    expectShape(z.array(exportedKey), rows, "GET /admin/api/export?format=json");
  });
});
