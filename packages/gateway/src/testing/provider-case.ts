/**
 * The provider conformance kit: one shared vitest suite every adapter runs in a few lines,
 * against a real HTTP mock of its upstream and recorded failures from `__fixtures__/`.
 *
 * ```ts
 * testProvider({
 *   name: "siliconflow",
 *   provider: (baseURL) => createSiliconFlow({ baseURL }),
 *   mock: () => startMockSiliconFlow({ keys: { [KEY]: "ok" } }),
 *   validKeys: [KEY],
 *   invalidKeyFormats: ["kh-client-token", ""],
 *   workingKey: KEY,
 *   requests: [{ name: "chat", path: "/chat/completions", json: { model: "Qwen/Qwen3-8B" }, upstreamPath: "/v1/chat/completions" }],
 *   stream: { name: "chat stream", path: "/chat/completions", json: { model: "Qwen/Qwen3-8B", stream: true }, upstreamPath: "/v1/chat/completions" },
 *   fixtures: new URL("./__fixtures__/", import.meta.url),
 *   failures: { "401-invalid-token": { kind: "key_invalid" } },
 * });
 * ```
 */
import { readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type {
  ApiKind,
  FailureClass,
  KeyCheckResult,
  PoolKey,
  Provider,
  ProviderRequest,
  UpstreamFailure,
} from "../spec/provider.js";

/** What the kit needs of a mock: where it listens, how to stop it, and (ideally) what it received. */
export interface ProviderMock {
  baseURL: string;
  close(): Promise<void>;
  /** Requests received, oldest first; only `path` (pathname + search) is read. */
  requests?: readonly { path: string }[];
}

/** A client request the kit rewrites and sends to the mock. */
export interface ProviderCaseRequest {
  name: string;
  /** @default "openai" */
  api?: ApiKind;
  /** @default "POST" when `json` or `body` is given, else "GET" */
  method?: string;
  /** See `ProviderRequest.path`. */
  path: string;
  /** The client's query string (`?alt=sse`), without credentials: the kit adds a `key=` to check it goes. */
  search?: string;
  /** A JSON body; sent with `content-type: application/json`. */
  json?: unknown;
  /** A raw body (e.g. multipart) with its `headers`. */
  body?: ArrayBuffer;
  headers?: Record<string, string>;
  model?: string;
  stream?: boolean;
  /** Path and query the mock must receive, e.g. `/v1/chat/completions`. */
  upstreamPath: string;
  /** Header that must carry the pool key. @default the suite's `keyHeader` */
  keyHeader?: string;
}

/** A recorded upstream failure, as stored in `__fixtures__/<name>.json`. */
export interface RecordedFailure {
  status: number;
  headers?: Record<string, string>;
  /** The body as recorded: a string, or JSON (stringified before classification). */
  body: unknown;
  model?: string;
}

export interface ProviderCaseOptions<M extends ProviderMock = ProviderMock> {
  name: string;
  provider: (baseURL: string) => Provider;
  mock: () => Promise<M>;
  /** Keys whose format must be accepted. */
  validKeys: readonly string[];
  /** Strings that must be rejected, each with a reason. */
  invalidKeyFormats: readonly string[];
  /** A key the mock serves. */
  workingKey: string;
  /** Where the pool key goes upstream. @default "authorization" (as `Bearer <key>`) */
  keyHeader?: string;
  /** Requests that must reach the right path on the mock, with the key in a header. */
  requests: readonly ProviderCaseRequest[];
  /** A streamed request: SSE chunks must arrive incrementally. */
  stream: ProviderCaseRequest & { minEvents?: number };
  /** Directory of recorded failures (`<name>.json`); every file must appear in `failures`. */
  fixtures?: URL | string;
  /** Expected class per fixture name. */
  failures?: Record<string, Partial<FailureClass> & { kind: FailureClass["kind"] }>;
  /** Key checks against the mock; a provider with `hasBalance` must parse a balance in one. */
  checks?: readonly {
    name: string;
    key: string;
    expect: Partial<KeyCheckResult> & { status: KeyCheckResult["status"] };
  }[];
  /** `listModels` must include these ids. */
  models?: { key?: string; includes: readonly string[] };
  /** `claimsModel` expectations. */
  claims?: { yes?: readonly string[]; no?: readonly string[] };
}

const CLIENT_SECRET = "kh-client-secret-0123456789";

/** Reads `<dir>/<name>.json` recorded failures into classifier input. */
export function loadRecordedFailures(dir: URL | string): Map<string, UpstreamFailure> {
  const path = typeof dir === "string" ? dir : fileURLToPath(dir);
  const out = new Map<string, UpstreamFailure>();
  for (const file of readdirSync(path)
    .filter((f) => f.endsWith(".json"))
    .sort()) {
    const recorded = JSON.parse(readFileSync(join(path, file), "utf8")) as RecordedFailure;
    out.set(file.slice(0, -5), {
      status: recorded.status,
      headers: new Headers(recorded.headers ?? {}),
      body: typeof recorded.body === "string" ? recorded.body : JSON.stringify(recorded.body),
      model: recorded.model,
    });
  }
  return out;
}

/** Builds the `ProviderRequest` the gateway would hand the adapter, with client credentials everywhere. */
export function clientRequest(r: ProviderCaseRequest, credential = CLIENT_SECRET): ProviderRequest {
  const headers = new Headers(r.headers);
  headers.set("authorization", `Bearer ${credential}`);
  headers.set("x-api-key", credential);
  headers.set("x-goog-api-key", credential);
  headers.set("cookie", `session=${credential}`);
  let body: ArrayBuffer | null = r.body ?? null;
  if (r.json !== undefined) {
    body = new TextEncoder().encode(JSON.stringify(r.json)).buffer as ArrayBuffer;
    headers.set("content-type", "application/json");
  }
  const search = r.search ? `${r.search}&key=${credential}` : `?key=${credential}`;
  return {
    api: r.api ?? "openai",
    method: r.method ?? (body ? "POST" : "GET"),
    path: r.path,
    search,
    headers,
    body,
    model: r.model ?? (r.json as { model?: string } | undefined)?.model,
    stream: r.stream ?? (r.json as { stream?: boolean } | undefined)?.stream === true,
  };
}

/** A URL nothing listens on, for "the upstream is unreachable" checks. */
async function deadURL(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/v1`;
}

export function testProvider<M extends ProviderMock>(o: ProviderCaseOptions<M>): void {
  describe(`${o.name} provider conformance`, () => {
    let mock: M;
    let provider: Provider;
    const poolKey = (secret: string): PoolKey => ({ id: `${o.name}-test`, secret });

    beforeAll(async () => {
      mock = await o.mock();
      provider = o.provider(mock.baseURL);
    });
    afterAll(async () => {
      await mock?.close();
    });

    it("implements the v1 contract with a well-formed id", () => {
      expect(provider.specificationVersion).toBe("v1");
      expect(provider.id).toMatch(/^[a-z0-9-]+$/);
    });

    it.each(o.validKeys.map((k) => [k]))("accepts the key format %s", (secret) => {
      expect(provider.validateKeyFormat(secret)).toEqual({ ok: true });
    });

    it.each(o.invalidKeyFormats.map((k) => [k]))("rejects %j with a reason that does not echo it", (secret) => {
      const result = provider.validateKeyFormat(secret);
      expect(result.ok).toBe(false);
      const reason = result.ok ? "" : result.reason;
      expect(reason.length).toBeGreaterThan(5);
      if (secret.length > 8) expect(reason).not.toContain(secret);
    });

    if (o.claims) {
      it("claims its models and leaves others alone", () => {
        for (const model of o.claims?.yes ?? []) expect(provider.claimsModel?.(model), model).toBe(true);
        for (const model of o.claims?.no ?? []) expect(provider.claimsModel?.(model) ?? false, model).toBe(false);
      });
    }

    const expectRewritten = (r: ProviderCaseRequest) => {
      const upstream = provider.rewriteRequest(clientRequest(r), poolKey(o.workingKey));
      const url = new URL(upstream.url);
      expect(url.origin).toBe(new URL(mock.baseURL).origin);
      expect(url.pathname + url.search).toBe(r.upstreamPath);
      // The client's token must never reach the upstream, nor the pool key travel in the URL.
      expect(upstream.url).not.toContain(CLIENT_SECRET);
      expect(upstream.url).not.toContain(o.workingKey);
      upstream.headers.forEach((value, name) => {
        expect(value, name).not.toContain(CLIENT_SECRET);
      });
      const header = r.keyHeader ?? o.keyHeader ?? "authorization";
      const expected = header === "authorization" ? `Bearer ${o.workingKey}` : o.workingKey;
      expect(upstream.headers.get(header)).toBe(expected);
      return upstream;
    };

    for (const r of o.requests) {
      it(`rewrites and serves ${r.name}`, async () => {
        const upstream = expectRewritten(r);
        const before = mock.requests?.length ?? 0;
        const response = await fetch(upstream.url, {
          method: upstream.method,
          headers: upstream.headers,
          body: upstream.body,
        });
        const text = await response.text();
        expect(response.status, text.slice(0, 300)).toBe(200);
        if (mock.requests) {
          const received = mock.requests.slice(before).at(-1);
          expect(received?.path).toBe(r.upstreamPath);
        }
      });
    }

    it(`streams ${o.stream.name} incrementally`, async () => {
      const upstream = expectRewritten(o.stream);
      const response = await fetch(upstream.url, {
        method: upstream.method,
        headers: upstream.headers,
        body: upstream.body,
      });
      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toContain("text/event-stream");
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      const reads: string[] = [];
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        reads.push(decoder.decode(value, { stream: true }));
      }
      const text = reads.join("");
      const events = text.split(/\r?\n\r?\n/).filter((e) => e.startsWith("data:"));
      expect(events.length).toBeGreaterThanOrEqual(o.stream.minEvents ?? 3);
      // More than one read carrying events: the stream was not buffered into one piece.
      expect(reads.filter((chunk) => chunk.includes("data:")).length).toBeGreaterThan(1);
    });

    if (o.fixtures) {
      const recorded = loadRecordedFailures(o.fixtures);
      const expected = o.failures ?? {};
      it("has an expected class for every recorded failure", () => {
        expect([...recorded.keys()].sort()).toEqual(Object.keys(expected).sort());
      });
      for (const [name, failure] of recorded) {
        const want = expected[name];
        if (!want) continue;
        it(`classifies the recorded failure ${name} as ${want.kind}`, () => {
          expect(provider.classifyFailure(failure)).toMatchObject(want);
        });
      }
    }

    for (const check of o.checks ?? []) {
      it(`checks a key: ${check.name}`, async () => {
        expect(await provider.checkKey(poolKey(check.key))).toMatchObject(check.expect);
      });
    }

    it("reports an unreachable upstream as a check error, never as a balance", async () => {
      const offline = o.provider(await deadURL());
      const result = await offline.checkKey(poolKey(o.workingKey));
      expect(result.status).toBe("error");
      expect(result).not.toHaveProperty("balance");
    });

    it("parses a balance when the provider tracks one", () => {
      if (!provider.hasBalance) {
        expect(o.checks?.some((c) => "balance" in c.expect) ?? false).toBe(false);
        return;
      }
      expect(o.checks?.some((c) => typeof (c.expect as { balance?: unknown }).balance === "number")).toBe(true);
    });

    if (o.models) {
      it("lists models", async () => {
        const models = await provider.listModels(o.models?.key ? poolKey(o.models.key) : undefined);
        const ids = models.map((m) => m.id);
        for (const id of o.models?.includes ?? []) expect(ids).toContain(id);
      });
    }
  });
}
