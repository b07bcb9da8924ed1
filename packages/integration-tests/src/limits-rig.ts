/** Two gateway instances over one shared store, and requests of one client token spread over both. */
import { createOpenAI } from "@keyhive/provider-openai";
import { expect } from "vitest";
import { ADMIN_PASSWORD, type Served, seedKeys, serveGateway } from "./rig.js";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const chat = { model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] };

/** Two instances, each with its own storage object from `storage()` (as two processes would). */
export async function twoInstances(
  upstream: string,
  storage: () => Promise<Served["gateway"]["storage"]> | Served["gateway"]["storage"],
): Promise<[Served, Served]> {
  const instance = async () =>
    serveGateway({
      providers: [createOpenAI({ baseURL: upstream })],
      storage: await storage(),
      refreshIntervalMs: 200,
    });
  const a = await instance();
  const b = await instance();
  await seedKeys(a.gateway, ["sk-limits-shared-0001"], "openai");
  await b.gateway.sync();
  return [a, b];
}

/** Creates a client token on A; both instances know it once this returns. */
export async function tokenWith(a: Served, b: Served, limits: Record<string, number>): Promise<string> {
  const res = await a.admin("/admin/api/tokens", { json: { name: "spread", ...limits } });
  expect(res.status).toBe(201);
  const { token } = (await res.json()) as { token: string };
  await b.gateway.sync();
  return token;
}

/** `total` chat requests alternating A and B, `concurrency` at a time: counts per status and 429 code. */
export async function spread(instances: Served[], token: string, total: number, concurrency = 6) {
  const codes: string[] = [];
  for (let i = 0; i < total; i += concurrency) {
    const batch = Array.from({ length: Math.min(concurrency, total - i) }, (_, j) => instances[(i + j) % 2] as Served);
    const answers = await Promise.all(
      batch.map((s) => s.call("/v1/chat/completions", { json: chat, headers: { authorization: `Bearer ${token}` } })),
    );
    for (const res of answers) {
      const body = (await res.json()) as { error?: { code?: string } };
      codes.push(res.status === 200 ? "200" : `${res.status} ${body.error?.code}`);
    }
  }
  const count = (code: string) => codes.filter((c) => c === code).length;
  return { codes, ok: count("200"), count };
}

/** All requests of a test inside one calendar minute (the rpm window and the login window). */
export async function startOfAMinute(needSeconds = 20): Promise<void> {
  const second = new Date().getUTCSeconds();
  if (second > 60 - needSeconds) await sleep((61 - second) * 1000);
}

/** A password sign-in from `address` (named in X-Forwarded-For: the rig trusts one proxy). */
export function login(s: Served, password: string, address: string): Promise<Response> {
  return fetch(`${s.url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: s.url, "x-forwarded-for": address },
    body: JSON.stringify({ password }),
  });
}

export { ADMIN_PASSWORD };
