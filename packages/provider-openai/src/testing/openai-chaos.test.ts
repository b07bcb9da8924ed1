/** `openAIChaosRoute` on the adversarial upstream: every behaviour, every kind of request, one server. */
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import {
  type AdversarialUpstream,
  openRawSocket,
  parseSse,
  rawExchange,
  startAdversarialUpstream,
  waitFor,
} from "@keyhive/gateway/testing";
import { Agent, type Dispatcher, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
  chaosWords,
  openAIChaosRoute,
} from "./openai-chaos.js";

const content = chaosWords(8).join("");
/** The `data` of every event, as a client parses them. */
const sseData = (text: string) => parseSse(text).map((event) => event.data);
const behaviours = [...CHAOS_HEALTHY, ...CHAOS_FAILING_BEFORE_FIRST_BYTE, ...CHAOS_FAILING_MID_STREAM];
const kinds = ["json", "stream", "models", "embed"] as const;
type Kind = (typeof kinds)[number];
type Result = { behaviour: ChaosBehaviour; kind: Kind; outcome: Outcome };

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

/** How one request to the chaos route went. */
interface Outcome {
  status?: number;
  headers?: Record<string, string | string[] | undefined>;
  body?: string;
  /** Where it failed: no response at all, or while reading the body. */
  failed?: "request" | "body";
  error?: string;
}

/** Sends one request of `kind` with the key named after `behaviour`, and notes how it went. */
async function call(agent: Dispatcher, behaviour: ChaosBehaviour, kind: Kind): Promise<Outcome> {
  const json =
    kind === "embed"
      ? { model: "text-embedding-3-small", input: ["a", "b"] }
      : {
          model: "gpt-4o-mini",
          messages: [],
          ...(kind === "stream" ? { stream: true, stream_options: { include_usage: true } } : {}),
        };
  const path = kind === "models" ? "/v1/models" : kind === "embed" ? "/v1/embeddings" : "/v1/chat/completions";
  const outcome: Outcome = {};
  try {
    const response = await request(`${upstream.url}${path}`, {
      dispatcher: agent,
      method: kind === "models" ? "GET" : "POST",
      headers: {
        authorization: `Bearer ${behaviour}`,
        "accept-encoding": "gzip, deflate, br",
        "content-type": "application/json",
      },
      body: kind === "models" ? undefined : JSON.stringify(json),
      // Only slow-headers is meant to miss a deadline; the others may wait while big answers load the loop.
      headersTimeout: behaviour === "slow-headers" ? 1000 : 10_000,
    });
    outcome.status = response.statusCode;
    outcome.headers = response.headers;
    const bytes = Buffer.from(
      await response.body.arrayBuffer().catch(() => {
        outcome.failed = "body";
        return new ArrayBuffer(0);
      }),
    );
    const decode = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync }[
      String(response.headers["content-encoding"])
    ];
    outcome.body = (decode ? decode(bytes) : bytes).toString();
  } catch (error) {
    outcome.failed = "request";
    outcome.error = String(error);
  }
  return outcome;
}

/** A complete, correct answer of the kind asked for. */
function healthy(kind: Kind, outcome: Outcome): boolean {
  if (outcome.failed || outcome.status !== 200 || !outcome.body) return false;
  try {
    if (kind === "stream") {
      const data = sseData(outcome.body);
      if (data.at(-1) !== "[DONE]") return false;
      const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
      const text = chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("");
      return text === content && chunks.at(-1).usage.total_tokens === 17;
    }
    const value = JSON.parse(outcome.body);
    if (kind === "models") return value.data.some((m: { id: string }) => m.id === "gpt-4o-mini");
    if (kind === "embed") return value.data.length === 2;
    return value.choices[0].message.content === content;
  } catch {
    return false;
  }
}

/** Each behaviour ends healthy exactly when it is meant to, and fails where it is meant to. */
function expectEachOutcome(results: Result[]): void {
  for (const { behaviour, kind, outcome } of results) {
    const label = `${behaviour} ${kind} ${outcome.error ?? ""}`;
    expect(healthy(kind, outcome), label).toBe(CHAOS_HEALTHY.includes(behaviour));
    if (behaviour.startsWith("html-")) {
      expect(outcome.status, label).toBe(Number(behaviour.slice(5)));
      expect(outcome.headers?.["content-type"], label).toBe("text/html; charset=UTF-8");
    }
    if (behaviour.startsWith("reset-before") || behaviour === "slow-headers")
      expect(outcome.failed, label).toBe("request");
    if (behaviour === "reset-after-headers" || behaviour === "reset-mid-body" || behaviour === "reset-mid-event") {
      expect(outcome, label).toMatchObject({ status: 200, failed: "body" });
    }
    if (behaviour === "cut-mid-stream") expect(outcome.failed, label).toBeUndefined();
  }
}

/** The shape details particular behaviours promise. */
function expectShapes(results: Result[], started: number): void {
  const by = (behaviour: ChaosBehaviour, kind: Kind) =>
    results.find((r) => r.behaviour === behaviour && r.kind === kind)?.outcome as Outcome;
  expect(by("ok-chunked", "models").headers?.["transfer-encoding"]).toBe("chunked");
  expect(by("ok-gzip", "json").headers?.["content-encoding"]).toBe("gzip");
  expect(by("ok-gzip-negotiated", "stream").headers?.["content-encoding"]).toBe("gzip");
  expect(by("ok-big", "json").headers?.["content-length"]).toSatisfy((n) => Number(n) > 1024 * 1024);
  for (const kind of kinds) expect(by("ok-big", kind).body?.length, kind).toBeGreaterThan(1024 * 1024);
  expect(by("invalid", "models")).toMatchObject({ status: 401 });
  expect(JSON.parse(by("no-quota", "json").body ?? "").error.code).toBe("insufficient_quota");
  expect(by("rate-limited", "json").headers?.["retry-after"]).toBe("1");
  // An HTTP date has whole seconds: "2 s ahead" is 1–2 s after the request was answered.
  expect(Date.parse(String(by("rate-limited-date", "json").headers?.["retry-after"]))).toBeGreaterThan(started + 1000);
  expect(by("empty-200", "models")).toMatchObject({ status: 200, body: "" });
  expect(sseData(by("cut-mid-stream", "stream").body ?? "")).toHaveLength(3);
}

describe("openAIChaosRoute", () => {
  it("every behaviour answers chat (JSON and SSE), embeddings and models without hurting the server", async () => {
    upstream.setRoute(
      openAIChaosRoute({ keys: Object.fromEntries(behaviours.map((b) => [b, b])), okSlowHeadersMs: 50 }),
    );
    const agent = new Agent({ connections: 200 });
    const started = Date.now();
    const results = await Promise.all(
      behaviours.flatMap((behaviour) =>
        kinds.map(async (kind) => ({ behaviour, kind, outcome: await call(agent, behaviour, kind) })),
      ),
    );
    expectEachOutcome(results);
    expectShapes(results, started);
    await agent.close();

    // Still serving, nothing left open, and unknown keys get the default 401.
    expect(await waitFor(() => upstream.openConnections() === 0)).toBe(true);
    const after = await request(`${upstream.url}/v1/models`, { headers: { authorization: "Bearer sk-unknown" } });
    expect(after.statusCode).toBe(401);
    expect(JSON.parse(await after.body.text()).error.code).toBe("invalid_api_key");
  }, 20_000);

  it("reset-mid-event delivers two whole events, then part of one, then an RST", async () => {
    upstream.setRoute(openAIChaosRoute({ defaultBehaviour: "reset-mid-event" }));
    const socket = await openRawSocket(upstream);
    const body = JSON.stringify({ model: "m", stream: true });
    const result = await rawExchange(
      socket,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: ${body.length}\r\n\r\n${body}`,
    );
    socket.destroy();
    expect(result.error).toBe("ECONNRESET");
    const text = result.response?.body.toString() ?? "";
    expect(sseData(text)).toHaveLength(2);
    expect(text.split("\n\n").at(-1)).toMatch(/^data: \{/);
  });
});
