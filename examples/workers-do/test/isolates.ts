/**
 * Three Workers (a, b, c) in one workerd, each running the deployed bundle as its own isolate,
 * sharing one KV namespace and one KeyhiveCoordinator Durable Object (defined by a, bound by b
 * and c through `scriptName`) — how Cloudflare runs one Worker in many isolates at once.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { bundleWorker } from "../../workers-kv/test/worker.case.js";

export const ADMIN = "do-admin-password-123";
export const NAMES = ["a", "b", "c"] as const;
const ORIGIN = "http://gateway.local";

export interface Isolates {
  call(worker: (typeof NAMES)[number], path: string, init?: RequestInit): Promise<Response>;
  admin(worker: (typeof NAMES)[number], path: string, body?: unknown, method?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startIsolates(dir: string, upstreamURL: string): Promise<Isolates> {
  const bundle = await bundleWorker(dir);
  const { workerOptions: toml } = unstable_getMiniflareWorkerOptions(join(dir, "wrangler.toml"));
  const persist = mkdtempSync(join(tmpdir(), "keyhive-do-"));
  const mf = new Miniflare({
    kvPersist: join(persist, "kv"),
    durableObjectsPersist: join(persist, "do"),
    workers: NAMES.map((name) => ({
      name,
      modules: true,
      scriptPath: bundle.path,
      modulesRoot: dirname(bundle.path),
      compatibilityDate: toml.compatibilityDate,
      kvNamespaces: { KEYHIVE_KV: "shared-kv" },
      durableObjects: {
        KEYHIVE_COORDINATOR:
          name === "a"
            ? { className: "KeyhiveCoordinator", useSQLite: true }
            : { className: "KeyhiveCoordinator", scriptName: "a", useSQLite: true },
      },
      // A short interval so the test need not wait 5 s for each isolate's next sync.
      bindings: { KEYHIVE_ADMIN_PASSWORD: ADMIN, OPENAI_BASE_URL: upstreamURL, KEYHIVE_REFRESH_INTERVAL_MS: "500" },
    })),
  });
  await mf.ready;
  type Fetcher = { fetch(url: string, init: unknown): Promise<unknown> };
  const call: Isolates["call"] = async (worker, path, init = {}) => {
    const fetcher = (await mf.getWorker(worker)) as unknown as Fetcher;
    return (await fetcher.fetch(`${ORIGIN}${path}`, init)) as Response;
  };
  return {
    call,
    admin: (worker, path, body, method) =>
      call(worker, `/admin/api${path}`, {
        method: method ?? (body === undefined ? "GET" : "POST"),
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    close: async () => {
      await mf.dispose();
      rmSync(persist, { recursive: true, force: true });
      rmSync(dirname(bundle.path), { recursive: true, force: true });
    },
  };
}

export const chat = (isolates: Isolates, worker: (typeof NAMES)[number], token: string) =>
  isolates.call(worker, "/v1/chat/completions", {
    method: "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }] }),
  });
