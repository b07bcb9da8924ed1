/**
 * The Worker examples' shared suite: bundle the Worker exactly as `wrangler deploy` would
 * (`--dry-run --outdir`), run the bundle inside workerd (miniflare) with the bindings of its
 * `wrangler.toml`, and drive it over HTTP against the test kit's mock upstream (real HTTP on
 * 127.0.0.1, started here in Node). Each example runs it in a few lines with its own storage.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { gzipSync } from "node:zlib";
import type { KeyRecord, Storage } from "@keyhive/gateway";
import { type MockOpenAI, startMockOpenAI } from "@keyhive/provider-openai/testing";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

export interface WorkerCaseOptions {
  name: string;
  /** The example's directory (holds wrangler.toml). */
  dir: string;
  /** Extra bindings (secrets) for this run. */
  bindings?: Record<string, string>;
  /** Runs before the first request (e.g. applies D1 migrations the way wrangler would). */
  prepare?: (mf: Miniflare) => Promise<void>;
  /** The Worker's storage, opened from Node through miniflare's binding proxies. */
  openStorage: (mf: Miniflare) => Promise<Storage>;
  /** Extra checks on the raw stored data after keys were added. */
  inspectStored?: (mf: Miniflare, secrets: string[]) => Promise<void>;
}

/** Gzipped bundle budget: Workers allow 3 MiB (free) / 10 MiB (paid); we aim far lower. */
const GZIP_BUDGET = 400 * 1024;
const ADMIN = "worker-admin-password-123";
const TOKEN = "kh-worker-client-token";
const ORIGIN = "http://gateway.local";
const PUBLIC_URL = "https://keys.example.com";
const OK_KEYS = ["sk-worker-ok-key-0000001", "sk-worker-ok-key-0000002"];
const DEAD_KEY = "sk-worker-dead-key-000003";

const env = { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" };

/** `wrangler deploy --dry-run --outdir`: the very bundle a deploy uploads. */
export async function bundleWorker(dir: string): Promise<{ path: string; bytes: number; gzipBytes: number }> {
  const outdir = mkdtempSync(join(tmpdir(), "keyhive-worker-"));
  const wrangler = join(dirname(createRequire(import.meta.url).resolve("wrangler/package.json")), "bin/wrangler.js");
  const child = spawn(process.execPath, [wrangler, "deploy", "--dry-run", "--outdir", outdir], {
    cwd: dir,
    env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += String(d);
  });
  child.stderr.on("data", (d) => {
    output += String(d);
  });
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`wrangler deploy --dry-run failed (${code}):\n${output}`);
  const path = join(outdir, "index.js");
  const source = readFileSync(path);
  return { path, bytes: source.length, gzipBytes: gzipSync(source, { level: 9 }).length };
}

export function testWorker(options: WorkerCaseOptions): void {
  describe(`${options.name} Worker inside workerd`, () => {
    let mock: MockOpenAI;
    let mf: Miniflare;
    let bundle: Awaited<ReturnType<typeof bundleWorker>>;
    let cookie = "";
    const ids = new Map<string, string>();

    /** The bundle with the bindings of the example's wrangler.toml. */
    const workerFromToml = () => {
      const { workerOptions: fromToml } = unstable_getMiniflareWorkerOptions(join(options.dir, "wrangler.toml"));
      return {
        modules: true,
        scriptPath: bundle.path,
        modulesRoot: dirname(bundle.path),
        compatibilityDate: fromToml.compatibilityDate,
        compatibilityFlags: fromToml.compatibilityFlags,
        kvNamespaces: fromToml.kvNamespaces,
        d1Databases: fromToml.d1Databases,
      };
    };
    const call = async (path: string, init: RequestInit = {}) =>
      (await mf.dispatchFetch(`${ORIGIN}${path}`, init as never)) as unknown as Response;
    const chat = (body: object) =>
      call("/v1/chat/completions", {
        method: "POST",
        headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "Hi" }], ...body }),
      });

    beforeAll(async () => {
      mock = await startMockOpenAI({ keys: Object.fromEntries(OK_KEYS.map((k) => [k, "ok"])) });
      bundle = await bundleWorker(options.dir);
      mf = new Miniflare({
        ...workerFromToml(),
        bindings: {
          KEYHIVE_ADMIN_PASSWORD: ADMIN,
          KEYHIVE_CLIENT_TOKENS: TOKEN,
          OPENAI_BASE_URL: mock.baseURL,
          KEYHIVE_PUBLIC_URL: PUBLIC_URL,
          ...options.bindings,
        },
      });
      await mf.ready;
      await options.prepare?.(mf);
    });
    afterAll(async () => {
      await mf?.dispose();
      await mock?.close();
      if (bundle) rmSync(dirname(bundle.path), { recursive: true, force: true });
    });

    it("bundles small enough (gzip size printed)", () => {
      console.log(
        `[${options.name}] Worker bundle: ${(bundle.bytes / 1024).toFixed(1)} KiB, gzip ${(bundle.gzipBytes / 1024).toFixed(1)} KiB`,
      );
      expect(bundle.gzipBytes).toBeLessThan(GZIP_BUDGET);
      // The README's "about N KiB gzip" stays within 15% of the bundle as built.
      const readme = readFileSync(join(options.dir, "README.md"), "utf8");
      const stated = Number(/about (\d+) KiB gzip/.exec(readme)?.[1]);
      expect(Math.abs(bundle.gzipBytes / 1024 - stated) / stated, `README states ${stated} KiB`).toBeLessThan(0.15);
    });

    it("serves the admin UI and refuses the admin API without credentials", async () => {
      const ui = await call("/admin");
      expect(ui.status).toBe(200);
      expect(ui.headers.get("content-type")).toContain("text/html");
      expect(ui.headers.get("content-security-policy")).toContain("default-src 'self'");
      expect((await call("/admin/api/keys")).status).toBe(401);
    });

    it("logs in with the admin password secret and batch-adds keys (cookie session)", async () => {
      const wrong = await call("/admin/api/login", {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ password: "not-the-password" }),
      });
      expect(wrong.status).toBe(401);
      const login = await call("/admin/api/login", {
        method: "POST",
        headers: { "content-type": "application/json", origin: ORIGIN },
        body: JSON.stringify({ password: ADMIN }),
      });
      expect(login.status).toBe(200);
      cookie = (login.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect(cookie).toMatch(/^keyhive_session=/);

      const added = await call("/admin/api/keys", {
        method: "POST",
        headers: { cookie, origin: ORIGIN, "content-type": "application/json" },
        body: JSON.stringify({ provider: "openai", keys: [...OK_KEYS, DEAD_KEY].join("\n") }),
      });
      expect(added.status).toBe(201);
      const body = (await added.json()) as { added: { id: string; key: string }[]; duplicates: unknown[] };
      expect(body.added).toHaveLength(3);
      expect(body.duplicates).toHaveLength(0);
      const secrets = [...OK_KEYS, DEAD_KEY];
      const storage = await options.openStorage(mf);
      for (const { id, key } of body.added) {
        expect((await storage.keys.get(id))?.provider).toBe("openai"); // written through to the binding
        const secret = secrets.find((s) => key.endsWith(s.slice(-4))); // the API shows keys masked
        if (secret) ids.set(secret, id);
      }
      expect(ids.get(DEAD_KEY)).toBeTruthy();

      const again = await call("/admin/api/keys", {
        method: "POST",
        headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
        body: JSON.stringify({ provider: "openai", keys: OK_KEYS }),
      });
      expect(((await again.json()) as { duplicates: unknown[] }).duplicates).toHaveLength(2);
      await options.inspectStored?.(mf, secrets);
    });

    it("the scheduled handler re-checks due keys and writes their new state to storage", async () => {
      const storage = await options.openStorage(mf);
      const deadId = ids.get(DEAD_KEY) as string;
      expect((await storage.keys.get(deadId))?.status).toBe("active");
      mock.reset();

      // Miniflare's Fetcher types come from @cloudflare/workers-types, which this package skips.
      const worker = (await mf.getWorker()) as unknown as { scheduled(o: { cron: string }): Promise<unknown> };
      await worker.scheduled({ cron: "*/10 * * * *" });

      let dead: KeyRecord | null = null;
      for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
        dead = await storage.keys.get(deadId);
        if (dead?.status === "invalid") break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(dead?.status).toBe("invalid");
      expect(mock.requestsByKey.get(DEAD_KEY)).toBeGreaterThanOrEqual(1); // the check reached the upstream
      const ok = await storage.keys.get(ids.get(OK_KEYS[0] as string) as string);
      expect(ok?.status).toBe("active");
      expect(ok?.lastCheckedAt).toBeGreaterThan(0);
    });

    it("proxies a chat completion (JSON) with a client token from the secret", async () => {
      mock.reset();
      const res = await chat({});
      expect(res.status).toBe(200);
      const body = (await res.json()) as { choices: { message: { content: string } }[] };
      expect(body.choices[0]?.message.content).toBe("Hello from the mock upstream");
      expect(mock.requestsByKey.get(DEAD_KEY) ?? 0).toBe(0); // retired by the re-check
      expect((await call("/v1/models", { headers: { authorization: "Bearer kh-wrong" } })).status).toBe(401);
    });

    it("writes the request log to the Worker's storage in the background (waitUntil), within 5 s", async () => {
      const storage = await options.openStorage(mf);
      const sent = Date.now();
      expect((await chat({ model: "gpt-4o-mini" })).status).toBe(200);
      const stored = async () =>
        (await storage.requestLog?.query({ filter: { since: sent - 1000 }, limit: 100 }))?.items ?? [];
      await expect.poll(async () => (await stored()).length, { timeout: 5000, interval: 200 }).toBeGreaterThan(0);
      const [record] = await stored();
      expect(record).toMatchObject({ status: 200, model: "gpt-4o-mini", provider: "openai", surface: "chat" });
      expect(JSON.stringify(record)).not.toContain(TOKEN);
      const listed = (await (await call("/admin/api/logs?limit=5", { headers: { cookie } })).json()) as {
        source: string;
      };
      expect(listed.source).toBe("storage");
    });

    it("throttles sign-in by CF-Connecting-IP (X-Forwarded-For buys nothing), logout revokes, the public URL is pinned", async () => {
      const login = (password: string, headers: Record<string, string>) =>
        call("/admin/api/login", {
          method: "POST",
          headers: { "content-type": "application/json", ...headers },
          body: JSON.stringify({ password }),
        });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        statuses.push(
          (await login(`wrong-${i}`, { "cf-connecting-ip": "198.51.100.20", "x-forwarded-for": `10.0.0.${i}` })).status,
        );
      }
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
      const blocked = (await (await login(ADMIN, { "cf-connecting-ip": "198.51.100.20" })).json()) as {
        error: { code: string };
      };
      expect(blocked.error.code).toBe("too_many_login_attempts");
      const ok = await login(ADMIN, { "cf-connecting-ip": "198.51.100.21", origin: ORIGIN });
      expect(ok.status).toBe(200);
      const session = (ok.headers.get("set-cookie") ?? "").split(";")[0] ?? "";
      expect((await call("/admin/api/session", { headers: { cookie: session } })).status).toBe(200);
      expect((await call("/admin/api/logout", { method: "POST", headers: { cookie: session } })).status).toBe(204);
      expect((await call("/admin/api/session", { headers: { cookie: session } })).status).toBe(401);
      const info = (await (
        await call("/public/api/info", { headers: { "x-forwarded-host": "evil.example" } })
      ).json()) as {
        baseURL: string;
      };
      expect(info.baseURL).toBe(`${PUBLIC_URL}/v1`);
    });

    it("a weak KEYHIVE_ADMIN_PASSWORD: every request answers a JSON 500 saying why", async () => {
      const weak = new Miniflare({
        ...workerFromToml(),
        bindings: { ...options.bindings, KEYHIVE_ADMIN_PASSWORD: "a" },
      });
      try {
        const res = (await weak.dispatchFetch(`${ORIGIN}/admin/api/session`)) as unknown as Response;
        expect(res.status).toBe(500);
        expect(await res.json()).toEqual({
          error: {
            message:
              "Keyhive is misconfigured: The configured admin password (KEYHIVE_ADMIN_PASSWORD) is 1 character long: it must be at least 12. Choose a longer one (e.g. `openssl rand -base64 18`).",
            type: "server_error",
            code: "misconfigured",
            param: null,
          },
        });
      } finally {
        await weak.dispose();
      }
    });

    it("proxies a streamed chat completion (SSE)", async () => {
      const res = await chat({ stream: true });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/event-stream");
      const text = await res.text();
      expect(text.match(/^data: /gm)?.length).toBeGreaterThan(3);
      expect(text).toContain("data: [DONE]");
      const words = [...text.matchAll(/"content":"([^"]*)"/g)].map((m) => m[1]).join("");
      expect(words).toBe("Hello from the mock upstream");
    });
  });
}
