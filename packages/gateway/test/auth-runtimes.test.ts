/**
 * Sign-in security on the edge and on Bun, not only on Node: inside workerd (miniflare) the client
 * is `CF-Connecting-IP`, password hashes cross runtimes both ways, logout revokes, and forwarded
 * hosts are not our origin; on Bun the socket's peer comes from `server.requestIP()`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashPassword, verifyPassword } from "../src/util/crypto.js";
import { bundleFixture } from "./bundle.js";
import { fetchFrom } from "./support/http.js";

const ADMIN = "runtime-admin-password";
const ORIGIN = "http://gateway.local";

const tally = (statuses: number[]) => {
  const out: Record<number, number> = {};
  for (const s of statuses) out[s] = (out[s] ?? 0) + 1;
  return out;
};

describe("workerd (miniflare)", () => {
  let mf: Miniflare;
  const call = async (path: string, init: RequestInit = {}) =>
    (await mf.dispatchFetch(`${ORIGIN}${path}`, init as never)) as unknown as Response;
  const login = (password: string, headers: Record<string, string>) =>
    call("/admin/api/login", {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify({ password }),
    });
  /** Calls a crypto route; `ms` is the round trip seen from Node (workerd's own clock stands still while it computes). */
  const crypto = async <T>(path: string, body: object) => {
    const started = performance.now();
    const result = (await (
      await call(`/__crypto/${path}`, { method: "POST", body: JSON.stringify(body) })
    ).json()) as T;
    return { ...result, ms: Math.round(performance.now() - started) };
  };

  beforeAll(async () => {
    mf = new Miniflare({
      modules: true,
      script: await bundleFixture("auth-worker-entry.ts", "neutral"),
      compatibilityDate: "2025-09-01",
      bindings: { ADMIN_PASSWORD: ADMIN, PUBLIC_URL: "https://keys.example.com" },
    });
    await mf.ready;
  }, 60_000);
  afterAll(() => mf?.dispose());

  it("password hashes cross runtimes both ways, whatever their iteration count", async () => {
    const refused = async () => ((await (await call("/__crypto/refused")).json()) as { refused: number }).refused;
    // Made on Node at Node's 600,000: workerd's WebCrypto refuses that count, the JS path verifies it.
    const fromNode = await hashPassword("cross-runtime-password");
    const onWorker = await crypto<{ ok: boolean }>("verify", {
      password: "cross-runtime-password",
      stored: fromNode,
    });
    expect(onWorker.ok).toBe(true);
    expect(await refused()).toBe(1); // WebCrypto said no, and the JavaScript PBKDF2 answered
    expect((await crypto<{ ok: boolean }>("verify", { password: "wrong", stored: fromNode })).ok).toBe(false);
    // Made in workerd at 100,000 (WebCrypto), and at 600,000 (the JS path): Node verifies both.
    const workers = await crypto<{ stored: string }>("hash", {
      password: "made-in-workerd",
      iterations: 100_000,
    });
    expect(workers.stored).toMatch(/^pbkdf2-sha256\$i=100000\$/);
    expect(await verifyPassword("made-in-workerd", workers.stored)).toBe(true);
    const strong = await crypto<{ stored: string }>("hash", {
      password: "made-in-workerd",
      iterations: 600_000,
    });
    expect(await verifyPassword("made-in-workerd", strong.stored)).toBe(true);
    // The first format (earlier releases) verifies in workerd too.
    const legacy = (await hashPassword("old-password-1234", 1000)).replace(/^pbkdf2-sha256\$i=/, "pbkdf2$");
    expect((await crypto<{ ok: boolean }>("verify", { password: "old-password-1234", stored: legacy })).ok).toBe(true);
    console.log(
      `workerd: hash 100,000 in ${workers.ms} ms, 600,000 (JS) in ${strong.ms} ms; verify Node's 600,000 in ${onWorker.ms} ms`,
    );
  });

  it("throttles by CF-Connecting-IP: a changing X-Forwarded-For buys nothing, another client is unaffected", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) {
      statuses.push(
        (await login(`wrong-${i}`, { "CF-Connecting-IP": "198.51.100.7", "X-Forwarded-For": `10.0.0.${i}` })).status,
      );
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect((await login(ADMIN, { "cf-connecting-ip": "198.51.100.8", "x-forwarded-for": "198.51.100.7" })).status).toBe(
      200,
    );
    // 30 guesses at once from one client: 5 evaluated.
    const parallel = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        login(`p-${i}`, { "cf-connecting-ip": "2001:db8:9::1" }).then((r) => r.status),
      ),
    );
    expect(tally(parallel)).toEqual({ 401: 5, 429: 25 });
    // The same IPv6 /64 is the same client.
    expect((await login(ADMIN, { "cf-connecting-ip": "2001:db8:9:0:ffff::2" })).status).toBe(429);
  });

  it("logout revokes the session; X-Forwarded-Host is not our origin; the pinned public URL is the base URL", async () => {
    const ok = await login(ADMIN, { "cf-connecting-ip": "192.0.2.10", origin: ORIGIN });
    expect(ok.status).toBe(200);
    const cookie = (ok.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
    const forged = await call("/admin/api/tokens", {
      method: "POST",
      headers: {
        cookie,
        "content-type": "application/json",
        origin: "https://evil.example",
        "x-forwarded-host": "evil.example",
      },
      body: JSON.stringify({ name: "x" }),
    });
    expect(forged.status).toBe(403);
    const info = (await (
      await call("/public/api/info", { headers: { "x-forwarded-host": "evil.example" } })
    ).json()) as {
      baseURL: string;
    };
    expect(info.baseURL).toBe("https://keys.example.com/v1");
    expect((await call("/admin/api/session", { headers: { cookie } })).status).toBe(200);
    expect((await call("/admin/api/logout", { method: "POST", headers: { cookie } })).status).toBe(204);
    expect((await call("/admin/api/session", { headers: { cookie } })).status).toBe(401);
  });
});

describe("bun", () => {
  let child: ReturnType<typeof spawn> | undefined;
  let base = "";
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), "keyhive-bun-auth-"));
    const file = join(dir, "server.mjs");
    writeFileSync(file, await bundleFixture("auth-bun-entry.ts", "node"));
    child = spawn(join(process.cwd(), "../../node_modules/.bin/bun"), [file], {
      env: { ...process.env, ADMIN_PASSWORD: ADMIN },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let errors = "";
    child.stderr?.on("data", (d) => {
      errors += String(d);
    });
    base = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`bun did not start: ${errors}`)), 20_000);
      child?.stdout?.on("data", (d: Buffer) => {
        const match = /LISTENING (\d+)/.exec(String(d));
        if (match) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${match[1]}`);
        }
      });
      child?.on("exit", (code) => reject(new Error(`bun exited with ${code}: ${errors}`)));
    });
  }, 30_000);
  afterAll(() => {
    child?.kill();
  });

  it("the socket's peer is the client: spoofed X-Forwarded-For neither escapes the throttle nor locks out 127.0.0.1", async () => {
    const attacker = fetchFrom("127.0.0.2");
    const guess = (i: number) =>
      attacker(`${base}/admin/api/login`, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          "x-forwarded-for": "127.0.0.1",
          "cf-connecting-ip": `10.1.1.${i}`,
        },
        body: JSON.stringify({ password: `wrong-${i}` }),
      }).then((r) => r.status);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push(await guess(i));
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const admin = await fetchFrom("127.0.0.1")(`${base}/admin/api/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ password: ADMIN }),
    });
    expect(admin.status).toBe(200);
  });
});
