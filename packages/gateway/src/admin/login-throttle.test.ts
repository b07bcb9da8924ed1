/**
 * The login throttle over real HTTP: who counts as the client (socket address unless
 * `trustProxy`), attempts counted before the hash, the global ceiling, and what is never
 * throttled (admin tokens, open sessions).
 */
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { describe, expect, it } from "vitest";
import { ADMIN_PASSWORD, adminCall, adminLogin, cookieOf, fetchFrom, startRig } from "../../test/support/index.js";
import type { Gateway } from "../gateway.js";

type ErrorBody = { error: { message: string; code: string; type: string } };

const login = (url: string, password: string, headers: Record<string, string> = {}, from = "127.0.0.1") =>
  fetchFrom(from)(`${url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ password }),
  });

const tally = (responses: Response[]) => {
  const out: Record<number, number> = {};
  for (const r of responses) out[r.status] = (out[r.status] ?? 0) + 1;
  return out;
};

async function createAdminToken(url: string): Promise<string> {
  const res = await adminCall({ url }, "/admin/api/admin-tokens", { json: { name: "ci" } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { token: string }).token;
}

describe("trustProxy off (the default): the socket address is the client", () => {
  it("100 wrong passwords, each with another X-Forwarded-For: 5 × 401, then 429 (the header is not believed)", async () => {
    const rig = await startRig({}, { trustProxy: undefined });
    try {
      const responses: Response[] = [];
      for (let i = 0; i < 100; i++) {
        responses.push(
          await login(rig.url, `wrong-${i}`, { "X-Forwarded-For": `198.51.100.${i}`, "x-REAL-ip": `198.51.100.${i}` }),
        );
      }
      console.log("100 wrong logins with varying X-Forwarded-For:", JSON.stringify(tally(responses)));
      expect(tally(responses)).toEqual({ 401: 5, 429: 95 });
      const body = (await responses[99]?.json()) as ErrorBody;
      expect(body.error).toMatchObject({ code: "too_many_login_attempts", type: "rate_limit_error" });
      expect(body.error.message).toMatch(/^Too many failed sign-in attempts from your address: try again in \d+ s\.$/);
      expect(Number(responses[99]?.headers.get("retry-after"))).toBeGreaterThan(0);
    } finally {
      await rig.close();
    }
  });

  it("a client spoofing X-Forwarded-For: 127.0.0.1 locks out only itself; an admin token is never throttled", async () => {
    const rig = await startRig({}, { trustProxy: undefined });
    try {
      const token = await createAdminToken(rig.url);
      const attacker = fetchFrom("127.0.0.2");
      const wrong = () =>
        attacker(`${rig.url}/admin/api/login`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "X-Forwarded-For": "127.0.0.1",
            "CF-Connecting-IP": "127.0.0.1",
          },
          body: JSON.stringify({ password: "guess" }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await wrong()).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // The real admin on 127.0.0.1 signs in, with the password and with the bearer password.
      expect((await login(rig.url, ADMIN_PASSWORD)).status).toBe(200);
      expect((await adminCall(rig, "/admin/api/session")).status).toBe(200);
      // Even from the locked-out address an admin token works: it is not a password guess.
      const withToken = await attacker(`${rig.url}/admin/api/session`, {
        headers: { Authorization: `bearer ${token}` },
      });
      expect(withToken.status).toBe(200);
      const withPassword = await attacker(`${rig.url}/admin/api/session`, {
        headers: { authorization: `Bearer ${ADMIN_PASSWORD}` },
      });
      expect(withPassword.status).toBe(429); // the password still is
    } finally {
      await rig.close();
    }
  });

  it("an IPv4 client on a dual-stack socket (::ffff:127.0.0.1) is the same client as 127.0.0.1", async () => {
    const rig = await startRig({}, { trustProxy: undefined });
    const dual = await serveOn(rig.gateway, "::");
    try {
      for (let i = 0; i < 5; i++) expect((await login(dual.url, `wrong-${i}`)).status).toBe(401);
      // Through the IPv4-only listener the same address already used its budget.
      expect((await login(rig.url, "wrong-5")).status).toBe(429);
      const v6 = await login(`http://[::1]:${dual.port}`, "wrong-v6", {}, "::1");
      expect(v6.status).toBe(401); // ::1 is another client
    } finally {
      await dual.close();
      await rig.close();
    }
  });
});

describe("trustProxy", () => {
  it("1 hop: the address the proxy appended counts, whatever the client put before it", async () => {
    const rig = await startRig({}, { trustProxy: 1 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) {
        statuses.push((await login(rig.url, "guess", { "x-forwarded-for": `10.9.${i}.1, 203.0.113.50` })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      expect((await login(rig.url, ADMIN_PASSWORD, { "x-forwarded-for": "203.0.113.51" })).status).toBe(200);
      // IPv6 clients count by /64.
      for (let i = 0; i < 5; i++) await login(rig.url, "guess", { "x-forwarded-for": `2001:db8:5:6::${i + 1}` });
      expect((await login(rig.url, ADMIN_PASSWORD, { "x-forwarded-for": "[2001:db8:5:6:ffff::1]:4000" })).status).toBe(
        429,
      );
      expect((await login(rig.url, ADMIN_PASSWORD, { "x-forwarded-for": "2001:db8:5:7::1" })).status).toBe(200);
    } finally {
      await rig.close();
    }
  });

  it("an address list: X-Forwarded-For counts only from a listed proxy", async () => {
    const rig = await startRig({}, { trustProxy: ["127.0.0.1"] });
    try {
      const direct = fetchFrom("127.0.0.3");
      const fromDirect = (i: number) =>
        direct(`${rig.url}/admin/api/login`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-forwarded-for": `198.51.100.${i}` },
          body: JSON.stringify({ password: "guess" }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await fromDirect(i)).status);
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
      // Through the proxy on 127.0.0.1, each forwarded client has its own budget.
      for (let i = 0; i < 6; i++) {
        expect((await login(rig.url, "guess", { "x-forwarded-for": `198.51.100.${i}` })).status).toBe(401);
      }
    } finally {
      await rig.close();
    }
  });
});

describe("parallel guesses", () => {
  it("100 wrong logins at once from one address: 5 are evaluated (401), 95 are 429", async () => {
    const rig = await startRig({}, { trustProxy: undefined });
    try {
      const started = Date.now();
      const responses = await Promise.all(Array.from({ length: 100 }, (_, i) => login(rig.url, `parallel-${i}`)));
      console.log(`100 parallel wrong logins: ${JSON.stringify(tally(responses))} in ${Date.now() - started} ms`);
      // A 401 is the only answer of an evaluated guess: 5 × 401 means 5 hashes ran.
      expect(tally(responses)).toEqual({ 401: 5, 429: 95 });
    } finally {
      await rig.close();
    }
  });

  it("30 calls at once with the right bearer password: all 200 (one hash, shared)", async () => {
    const rig = await startRig({}, { trustProxy: undefined });
    try {
      const responses = await Promise.all(Array.from({ length: 30 }, () => adminCall(rig, "/admin/api/session")));
      expect(tally(responses)).toEqual({ 200: 30 });
    } finally {
      await rig.close();
    }
  });

  it("a spray from 100 addresses at once hits the global ceiling (50): the rest pause; tokens and sessions keep working", async () => {
    // Fewer iterations: this test is about counting 100 guesses, not about their cost.
    const rig = await startRig({}, { trustProxy: 1, passwordHashIterations: 10_000 });
    try {
      const token = await createAdminToken(rig.url);
      const cookie = cookieOf(await adminLogin(rig, ADMIN_PASSWORD, "192.0.2.250"));
      const responses = await Promise.all(
        Array.from({ length: 100 }, (_, i) => login(rig.url, `spray-${i}`, { "x-forwarded-for": `203.0.113.${i}` })),
      );
      console.log(`100 wrong logins from 100 addresses at once: ${JSON.stringify(tally(responses))}`);
      expect(tally(responses)).toEqual({ 401: 50, 429: 50 });
      const paused = responses.find((r) => r.status === 429) as Response;
      expect(((await paused.json()) as ErrorBody).error.message).toMatch(
        /^Too many failed sign-in attempts on this gateway \(from all addresses\): password sign-in is paused for 60 s\. Admin tokens and signed-in sessions keep working\.$/,
      );
      expect((await login(rig.url, ADMIN_PASSWORD, { "x-forwarded-for": "192.0.2.251" })).status).toBe(429);
      expect(
        (await adminCall(rig, "/admin/api/session", { headers: { authorization: `Bearer ${token}` } })).status,
      ).toBe(200);
      expect((await fetch(`${rig.url}/admin/api/session`, { headers: { cookie } })).status).toBe(200);
    } finally {
      await rig.close();
    }
  });
});

async function serveOn(gateway: Gateway, hostname: string) {
  const server = serve({ fetch: gateway.app.fetch, port: 0, hostname }) as Server;
  await new Promise<void>((resolve) => server.once("listening", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
