import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  adminCall,
  adminLogin,
  CLIENT_TOKEN,
  chatBody,
  cookieOf,
  startRig,
  type TestRig,
} from "../../test/support/index.js";

describe("Prometheus metrics", () => {
  let rig: TestRig;
  beforeAll(async () => {
    rig = await startRig({ keys: { "sk-metrics-000001": "ok" } });
    await rig.addKeys(["sk-metrics-000001", "sk-metrics-dead-02"]);
    rig.gateway.pool.patch(rig.gateway.pool.keysOf().find((k) => k.secret === "sk-metrics-dead-02")!.id, {
      status: "invalid",
    });
    await rig.call("/v1/chat/completions", { json: chatBody() });
    await rig.call("/v1/chat/completions", { json: chatBody() });
    await rig.call("/v1/chat/completions", { json: chatBody({ model: "missing-model" }) });
  });
  afterAll(() => rig.close());

  it("exposes request counts, a latency histogram and pool gauges to an admin", async () => {
    const res = await adminCall(rig, "/metrics");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain; version=0.0.4");
    const text = await res.text();
    expect(text).toContain("# TYPE keyhive_requests_total counter");
    expect(text).toContain('keyhive_requests_total{provider="fake",status="200"} 2');
    expect(text).toContain('keyhive_requests_total{provider="fake",status="404"} 1');
    expect(text).toContain("# TYPE keyhive_request_duration_seconds histogram");
    expect(text).toContain('keyhive_request_duration_seconds_bucket{provider="fake",le="+Inf"} 3');
    expect(text).toContain('keyhive_request_duration_seconds_count{provider="fake"} 3');
    expect(text).toContain('keyhive_keys{provider="fake",status="active"} 1');
    expect(text).toContain('keyhive_keys{provider="fake",status="invalid"} 1');
    expect(text).not.toContain("sk-metrics");
    // Buckets are cumulative.
    const buckets = [...text.matchAll(/_bucket\{provider="fake",le="[^"]+"\} (\d+)/g)].map((m) => Number(m[1]));
    for (let i = 1; i < buckets.length; i++) expect(buckets[i]).toBeGreaterThanOrEqual(buckets[i - 1]!);
  });

  it("accepts admin credentials, admin tokens and sessions, refuses everyone else", async () => {
    expect((await adminCall(rig, "/metrics")).status).toBe(200);
    const created = await adminCall(rig, "/admin/api/admin-tokens", { json: { name: "prometheus" } });
    const { token: scraper } = (await created.json()) as { token: string };
    expect((await fetch(`${rig.url}/metrics`, { headers: { authorization: `Bearer ${scraper}` } })).status).toBe(200);
    const cookie = cookieOf(await adminLogin(rig));
    expect((await fetch(`${rig.url}/metrics`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${rig.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${rig.url}/metrics`, { headers: { authorization: "Bearer nope", "x-forwarded-for": "10.7.7.7" } }))
        .status,
    ).toBe(401);
  });

  it("refuses client tokens, scoped or not, with a JSON 401", async () => {
    const scoped = await adminCall(rig, "/admin/api/tokens", { json: { name: "one-provider", providers: ["fake"] } });
    const { token: scopedToken } = (await scoped.json()) as { token: string };
    const clients: [string, string][] = [
      [CLIENT_TOKEN, "10.8.8.1"],
      [scopedToken, "10.8.8.2"],
    ];
    for (const [token, ip] of clients) {
      const res = await fetch(`${rig.url}/metrics`, {
        headers: { authorization: `Bearer ${token}`, "x-forwarded-for": ip },
      });
      expect(res.status).toBe(401);
      expect(res.headers.get("content-type")).toContain("application/json");
      const { error } = (await res.json()) as { error: { type: string } };
      expect(error.type).toBe("authentication_error");
      expect(JSON.stringify(error)).not.toContain("keyhive_requests_total");
    }
  });
});
