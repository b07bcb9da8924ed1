import { Agent, fetch as undiciFetch } from "undici";
import { describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, adminCall, chatBody, startRig } from "../test-support.js";

describe("backup and restore", () => {
  it("exports keys, tokens and settings as JSON lines and restores them into an empty gateway", async () => {
    const source = await startRig({ acceptAnyKey: true });
    const target = await startRig({ acceptAnyKey: true });
    try {
      await source.addKeys(["sk-backup-000000001", "sk-backup-000000002"]);
      const created = await adminCall(source, "/admin/api/tokens", { json: { name: "restored", rpm: 5 } });
      const { token } = (await created.json()) as { token: string };
      await adminCall(source, "/admin/api/settings", { method: "PATCH", json: { retries: 1 } });

      const res = await adminCall(source, "/admin/api/backup");
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("application/x-ndjson");
      expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="keyhive-backup-.*\.jsonl"/);
      const text = await res.text();
      const lines = text
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as { type: string });
      expect(lines[0]).toMatchObject({ type: "header", format: "keyhive-backup", version: 1 });
      expect(lines.filter((l) => l.type === "key")).toHaveLength(2);
      expect(text).toContain("sk-backup-000000001"); // a backup holds the secrets

      const restored = await adminCall(target, "/admin/api/restore", { body: text, method: "POST" });
      expect(restored.status).toBe(200);
      const counts = (await restored.json()) as { keys: number; tokens: number; settings: number };
      expect(counts.keys).toBe(2);
      expect(counts.tokens).toBeGreaterThanOrEqual(1);
      expect(counts.settings).toBeGreaterThan(0);
      expect(target.gateway.pool.keysOf()).toHaveLength(2);
      expect(target.gateway.settings.value.retries).toBe(1);
      // The restored token works through the target's proxy at once.
      const proxied = await target.call("/v1/chat/completions", {
        json: chatBody(),
        headers: { authorization: `Bearer ${token}` },
      });
      expect(proxied.status).toBe(200);

      const again = (await (await adminCall(target, "/admin/api/restore", { body: text, method: "POST" })).json()) as {
        keys: number;
        duplicates: number;
      };
      expect(again).toMatchObject({ keys: 0, duplicates: 2 });
    } finally {
      await source.close();
      await target.close();
    }
  });

  it("rejects malformed lines with the line number, and requires admin auth", async () => {
    const rig = await startRig({});
    try {
      const header = JSON.stringify({ type: "header", format: "keyhive-backup", version: 1 });
      const cases: [string, RegExp][] = [
        [`${header}\n{oops`, /^line 2$/],
        [`${header}\n${JSON.stringify({ type: "key", record: { id: "x" } })}`, /^line 2\.record\./],
        [`${header}\n${JSON.stringify({ type: "alien" })}`, /^line 2/],
        [JSON.stringify({ type: "setting", name: "a", value: 1 }), /^line 1$/],
      ];
      for (const [body, param] of cases) {
        const res = await adminCall(rig, "/admin/api/restore", { body, method: "POST" });
        expect(res.status, body).toBe(400);
        expect(((await res.json()) as { error: { param: string } }).error.param).toMatch(param);
      }
      expect((await fetch(`${rig.url}/admin/api/backup`)).status).toBe(401);
      expect((await fetch(`${rig.url}/admin/api/restore`, { method: "POST", body: header })).status).toBe(401);
      const agent = new Agent();
      const big = await undiciFetch(`${rig.url}/admin/api/restore`, {
        method: "POST",
        dispatcher: agent,
        headers: { authorization: `Bearer ${ADMIN_PASSWORD}` },
        body: `${header}\n${" ".repeat(64 * 1024 * 1024 + 1)}`,
      });
      await agent.close().catch(() => {});
      expect(big.status).toBe(413);
    } finally {
      await rig.close();
    }
  });
});
