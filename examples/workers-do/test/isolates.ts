/**
 * Three Workers (a, b, c) in one workerd, each running the deployed bundle as its own isolate,
 * sharing one KV namespace and one KeyhiveCoordinator Durable Object (defined by a, bound by b
 * and c through `scriptName`) — how Cloudflare runs one Worker in many isolates at once.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { bundleWorker } from "../../workers-kv/test/worker.case.js";

export const ADMIN = "do-admin-password-123";
export const NAMES = ["a", "b", "c"] as const;
const ORIGIN = "http://gateway.local";

export interface IsolatesOptions {
  /** An existing persist directory (KV and the object's storage) to start on; its owner removes it. */
  persist?: string;
  /** An existing bundle (`bundle.path` of an earlier start) instead of bundling again; kept on close. */
  bundlePath?: string;
  /** KEYHIVE_REFRESH_INTERVAL_MS; 500 by default, so tests need not wait 5 s for the next sync. */
  refreshMs?: number;
  /** Bind the coordinator object (false: a plain KV Worker such as examples/workers-kv). @default true */
  coordinator?: boolean;
}

export interface Isolates {
  mf: Miniflare;
  /** The persist directory (created here unless given: then removed on close). */
  persist: string;
  bundlePath: string;
  /** SIGKILL of this Miniflare's workerd process (a child of this process). */
  kill9(): Promise<void>;
  call(worker: (typeof NAMES)[number], path: string, init?: RequestInit): Promise<Response>;
  admin(worker: (typeof NAMES)[number], path: string, body?: unknown, method?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startIsolates(
  dir: string,
  upstreamURL: string,
  options: IsolatesOptions = {},
): Promise<Isolates> {
  const bundlePath = options.bundlePath ?? (await bundleWorker(dir)).path;
  const { workerOptions: toml } = unstable_getMiniflareWorkerOptions(join(dir, "wrangler.toml"));
  const persist = options.persist ?? mkdtempSync(join(tmpdir(), "keyhive-do-"));
  const before = new Set(workerdChildren());
  const mf = new Miniflare({
    kvPersist: join(persist, "kv"),
    durableObjectsPersist: join(persist, "do"),
    workers: NAMES.map((name) => ({
      name,
      modules: true,
      scriptPath: bundlePath,
      modulesRoot: dirname(bundlePath),
      compatibilityDate: toml.compatibilityDate,
      kvNamespaces: { KEYHIVE_KV: "shared-kv" },
      ...(options.coordinator === false
        ? {}
        : {
            durableObjects: {
              KEYHIVE_COORDINATOR:
                name === "a"
                  ? { className: "KeyhiveCoordinator", useSQLite: true }
                  : { className: "KeyhiveCoordinator", scriptName: "a", useSQLite: true },
            },
          }),
      bindings: {
        KEYHIVE_ADMIN_PASSWORD: ADMIN,
        OPENAI_BASE_URL: upstreamURL,
        KEYHIVE_REFRESH_INTERVAL_MS: String(options.refreshMs ?? 500),
      },
    })),
  });
  await mf.ready;
  // The workerd this Miniflare spawned: a child of this process that was not there before.
  const pid = workerdChildren().find((p) => !before.has(p));
  type Fetcher = { fetch(url: string, init: unknown): Promise<unknown> };
  const call: Isolates["call"] = async (worker, path, init = {}) => {
    const fetcher = (await mf.getWorker(worker)) as unknown as Fetcher;
    return (await fetcher.fetch(`${ORIGIN}${path}`, init)) as Response;
  };
  return {
    mf,
    persist,
    bundlePath,
    async kill9() {
      if (pid === undefined) throw new Error("no workerd child of this process found");
      process.kill(pid, "SIGKILL");
      while (workerdChildren().includes(pid)) await new Promise((r) => setTimeout(r, 10));
      // Frees Miniflare's side (its loopback server); fails on the dead process, which is expected.
      await Promise.race([mf.dispose().catch(() => undefined), new Promise((r) => setTimeout(r, 2000))]);
    },
    call,
    admin: (worker, path, body, method) =>
      call(worker, `/admin/api${path}`, {
        method: method ?? (body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: async () => {
      await mf.dispose();
      if (options.persist === undefined) rmSync(persist, { recursive: true, force: true });
      if (options.bundlePath === undefined) rmSync(dirname(bundlePath), { recursive: true, force: true });
    },
  };
}

/** Pids of this process's children whose command name contains "workerd" (and not yet reaped zombies). */
function workerdChildren(): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const comm = /\(([^)]*)\)/.exec(stat)?.[1] ?? "";
      const [state, ppid] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(ppid) === process.pid && comm.includes("workerd") && state !== "Z") found.push(Number(entry));
    } catch {
      // gone between the listing and the read
    }
  }
  return found;
}

export const chat = (isolates: Isolates, worker: (typeof NAMES)[number], token: string) =>
  isolates.call(worker, "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
