/**
 * Two gateway instances, each with its own `createFsStorage` over one data directory (two storage
 * objects, as two processes would have): what one learns, the other follows within the refresh
 * interval. The gateway's own tests do the same over one shared memory storage.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { roundRobin } from "@keyhive/gateway";
import { createOpenAI } from "@keyhive/provider-openai";
import { type MockKeyBehaviour, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { createFsStorage } from "@keyhive/storage/fs";
import { describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, cookieOf, seedKeys, serveGateway } from "./rig.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

describe("two gateway instances over one fs data directory", () => {
  it("converge: a key that dies on A is skipped by B within the refresh interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-converge-"));
    const keys: Record<string, MockKeyBehaviour> = { "sk-shared-dead-01": "invalid", "sk-shared-good-01": "ok" };
    const mock = await startMockOpenAI({ keys });
    const instance = () =>
      serveGateway({
        providers: [createOpenAI({ baseURL: mock.baseURL })],
        storage: createFsStorage({ dir }),
        strategy: roundRobin(),
        refreshIntervalMs: 200,
      });
    const a = await instance();
    const b = await instance();
    try {
      // Added through A only: B learns about both keys from the change feed.
      await seedKeys(a.gateway, Object.keys(keys), "openai");
      await sleep(250);
      await b.call("/v1/models"); // a request triggers B's background sync
      await b.gateway.sync();
      expect(b.gateway.pool.size).toBe(2);

      // A finds the dead key and retires it (written behind within ~250 ms).
      for (let i = 0; i < 2; i++) expect((await a.call("/v1/chat/completions", { json: chat })).status).toBe(200);
      await a.gateway.flush();
      await sleep(250);
      await b.gateway.sync();
      const onB = b.gateway.pool.keysOf("openai").find((r) => r.secret === "sk-shared-dead-01");
      expect(onB?.status).toBe("invalid");
      mock.reset();
      for (let i = 0; i < 6; i++) expect((await b.call("/v1/chat/completions", { json: chat })).status).toBe(200);
      expect(mock.requestsByKey.get("sk-shared-dead-01")).toBeUndefined();
    } finally {
      await a.close();
      await b.close();
      await mock.close();
    }
  });

  it("converge: a logout on instance A is honoured by instance B within the refresh interval", async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-logout-converge-"));
    const refreshIntervalMs = 300;
    const instance = () =>
      serveGateway({ providers: [createOpenAI()], storage: createFsStorage({ dir }), refreshIntervalMs });
    const a = await instance();
    const b = await instance();
    const login = (url: string) =>
      fetch(`${url}/admin/api/login`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: url, "x-forwarded-for": "10.0.0.1" },
        body: JSON.stringify({ password: ADMIN_PASSWORD }),
      });
    try {
      const cookie = cookieOf(await login(a.url));
      const onB = () => fetch(`${b.url}/admin/api/session`, { headers: { cookie } });
      expect((await onB()).status).toBe(200); // one signing secret, shared through storage
      const loggedOutAt = Date.now();
      expect((await fetch(`${a.url}/admin/api/logout`, { method: "POST", headers: { cookie } })).status).toBe(204);
      let status = 200;
      while (status === 200 && Date.now() - loggedOutAt < 5_000) {
        status = (await onB()).status;
        if (status === 200) await sleep(20);
      }
      const tookMs = Date.now() - loggedOutAt;
      expect(status).toBe(401);
      expect(tookMs).toBeLessThanOrEqual(refreshIntervalMs + 200);
      // And the other way round: a session started on B works on A.
      const second = cookieOf(await login(b.url));
      expect((await fetch(`${a.url}/admin/api/session`, { headers: { cookie: second } })).status).toBe(200);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
