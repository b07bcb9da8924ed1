/** Small HTTP helpers for the gateway's tests: signing in, cookies, SSE, a second client address. */
import { request as httpRequest } from "node:http";
import { readSse } from "../../src/testing/read-sse.js";
import { ADMIN_PASSWORD, type TestRig } from "./rig.js";

/** Reads an SSE response into `{event, data}` records until the stream ends, as a client does. */
export async function readSSE(res: Response): Promise<{ event: string; data: string }[]> {
  return (await readSse(res)).map(({ event, data }) => ({ event, data }));
}

/** Signs in to the admin API like a browser (same-origin `Origin`); returns the response. */
export function adminLogin(rig: Pick<TestRig, "url">, password = ADMIN_PASSWORD, ip = "10.0.0.1"): Promise<Response> {
  return fetch(`${rig.url}/admin/api/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: rig.url, "x-forwarded-for": ip },
    body: JSON.stringify({ password }),
  });
}

/** The `name=value` pair of a response's first Set-Cookie. */
export const cookieOf = (res: Response): string => res.headers.getSetCookie()[0]?.split(";")[0] ?? "";

/** Deterministic PRNG (mulberry32), for reproducible random selection in tests. */
export function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A fetch whose connections leave from `localAddress` (e.g. `127.0.0.2`: any 127/8 address is
 * this machine on Linux), so a test can be two clients with two real socket addresses.
 */
export function fetchFrom(localAddress: string) {
  return (url: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) =>
    new Promise<Response>((resolve, reject) => {
      const req = httpRequest(url, { method: init.method ?? "GET", headers: init.headers, localAddress }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const headers = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            for (const v of Array.isArray(value) ? value : [value]) if (v !== undefined) headers.append(name, v);
          }
          const status = res.statusCode ?? 500;
          resolve(new Response(status === 204 ? null : Buffer.concat(chunks), { status, headers }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(init.body);
    });
}
