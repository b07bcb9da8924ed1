/**
 * Real `node dist/main.js` processes on one real redis-server, for the multi-instance suites:
 * start N of them, call their admin API and proxy, kill one with SIGKILL by PID, and read the
 * truth straight from Redis to compare with each instance's `GET /admin/api/instance`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";

const MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
export const ADMIN = "cluster-admin-password-1";
export const TOKEN = "kh-cluster-client";
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export interface InstanceView {
  id: string;
  startedAt: number;
  lastSyncAt: number | null;
  keys: { total: number; byStatus: Record<string, number>; digest: string };
}

export interface Instance {
  url: string;
  child: ChildProcess;
  pid: number;
  output(): string;
  /** Resolves when the process is gone. */
  exited: Promise<void>;
  admin(path: string, init?: RequestInit): Promise<Response>;
  chat(token?: string): Promise<Response>;
  view(): Promise<InstanceView>;
  /** SIGKILL by PID: no drain, no flush. Resolves when the process is gone. */
  kill9(): Promise<void>;
  stop(): Promise<void>;
}

export interface InstanceOptions {
  redisURL: string;
  upstream: string;
  /** KEYHIVE_REFRESH_INTERVAL_MS; left out, the gateway's default. */
  refreshMs?: number;
  env?: Record<string, string | undefined>;
}

export async function startInstance(options: InstanceOptions): Promise<Instance> {
  const child = spawn(process.execPath, [MAIN], {
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      REDIS_URL: options.redisURL,
      KEYHIVE_ADMIN_PASSWORD: ADMIN,
      KEYHIVE_CLIENT_TOKENS: TOKEN,
      KEYHIVE_REFRESH_INTERVAL_MS: options.refreshMs === undefined ? undefined : String(options.refreshMs),
      OPENAI_BASE_URL: options.upstream,
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout?.on("data", (d) => {
    out += String(d);
  });
  child.stderr?.on("data", (d) => {
    out += String(d);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (const deadline = Date.now() + 20_000; Date.now() < deadline && child.exitCode === null; await sleep(25)) {
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    if (url) return instanceOf(url, child, exited, () => out);
  }
  child.kill("SIGKILL");
  throw new Error(`gateway did not start:\n${out}`);
}

function instanceOf(url: string, child: ChildProcess, exited: Promise<void>, output: () => string): Instance {
  const admin = (path: string, init: RequestInit = {}) =>
    fetch(`${url}/admin/api${path}`, {
      ...init,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
    });
  const gone = () => child.exitCode !== null || child.signalCode !== null;
  return {
    url,
    child,
    pid: child.pid as number,
    output,
    exited,
    admin,
    chat: (token = TOKEN) =>
      fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
      }),
    async view() {
      const res = await admin("/instance");
      if (res.status !== 200) throw new Error(`GET /admin/api/instance: ${res.status} ${await res.text()}`);
      return (await res.json()) as InstanceView;
    },
    async kill9() {
      if (!gone()) process.kill(child.pid as number, "SIGKILL");
      await exited;
    },
    async stop() {
      if (!gone()) child.kill("SIGTERM");
      await Promise.race([exited, sleep(5000)]);
      if (!gone()) process.kill(child.pid as number, "SIGKILL");
    },
  };
}

export async function startCluster(n: number, options: InstanceOptions): Promise<Instance[]> {
  return Promise.all(Array.from({ length: n }, () => startInstance(options)));
}

/** Adds keys through one instance's admin API; returns the ids it added. */
export async function addKeys(instance: Instance, keys: string[]): Promise<string[]> {
  const res = await instance.admin("/keys", { method: "POST", body: JSON.stringify({ provider: "openai", keys }) });
  if (res.status !== 201 && res.status !== 200) throw new Error(`POST /admin/api/keys: ${res.status}`);
  return ((await res.json()) as { added: { id: string }[] }).added.map((k) => k.id);
}

/** What Redis holds: every `keyhive:keys:*` record's `id status`, digested like the instance route. */
export async function storageTruth(redisURL: string): Promise<{ total: number; digest: string }> {
  const client = new Redis(redisURL);
  try {
    const names: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await client.scan(cursor, "MATCH", "keyhive:keys:*", "COUNT", 1000);
      cursor = next;
      names.push(...batch);
    } while (cursor !== "0");
    const lines: string[] = [];
    for (let i = 0; i < names.length; i += 1000) {
      const values = await client.mget(...names.slice(i, i + 1000));
      for (const value of values) {
        if (value === null) continue; // deleted between SCAN and MGET
        const record = JSON.parse(value) as { id: string; status: string };
        lines.push(`${record.id} ${record.status}`);
      }
    }
    return { total: lines.length, digest: digestOf(lines) };
  } finally {
    client.disconnect();
  }
}

/** sha256 hex of the sorted lines joined by `\n` (what `GET /admin/api/instance` reports). */
export function digestOf(lines: string[]): string {
  const sorted = [...lines].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash("sha256").update(sorted.join("\n")).digest("hex");
}

/** Polls `probe` every `everyMs` until it returns true; returns the ms it took, or undefined at `timeoutMs`. */
export async function timeUntil(
  probe: () => Promise<boolean>,
  timeoutMs: number,
  everyMs = 20,
): Promise<number | undefined> {
  const start = performance.now();
  for (;;) {
    if (await probe()) return performance.now() - start;
    if (performance.now() - start > timeoutMs) return undefined;
    await sleep(everyMs);
  }
}

/** p-th percentile (nearest rank) of `values`. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

/** `n` distinct OpenAI-shaped secrets with a tag, e.g. `sk-conv-000001…`. */
export function secrets(tag: string, n: number, from = 0): string[] {
  return Array.from({ length: n }, (_, i) => `sk-${tag}-${String(from + i).padStart(8, "0")}-cluster`);
}
