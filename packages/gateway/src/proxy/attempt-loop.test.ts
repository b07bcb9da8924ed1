/**
 * The one place that decides: retry, fail over, resend, or finish. A real pool and the fake
 * provider; the upstream is a scripted `fetch` (one answer per call), so each decision is exact.
 */
import { describe, expect, it } from "vitest";
import { createFakeProvider, createMemoryStorage } from "../../test/support/index.js";
import { KeyPool } from "../pool/key-pool.js";
import { newKeyRecord } from "../pool/new-key.js";
import { roundRobin } from "../pool/strategies.js";
import { AttemptLog, type LoopEnd, runAttempts } from "./attempt-loop.js";
import { defaultProxyOptions, type KeyVerdict, type ProxyOptions } from "./proxy-types.js";

type Script = (call: number, signal: AbortSignal, advance: (ms: number) => void) => Promise<Response>;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  Promise.resolve(Response.json(body, { status, headers }));
const ok = () => json(200, { choices: [{ message: { content: "hi" } }] });
const serverError = () => json(500, { error: { message: "boom" } });
const dead = () => json(401, { error: { message: "bad key", code: "invalid_api_key" } });

async function run(
  secrets: string[],
  script: Script,
  over: Partial<ProxyOptions> = {},
  client = new AbortController(),
) {
  let clock = 1_000_000;
  const pool = new KeyPool({ storage: createMemoryStorage(), strategy: roundRobin(), now: () => clock });
  pool.upsertLocal(await Promise.all(secrets.map((secret) => newKeyRecord({ provider: "fake", secret }, clock))));
  const verdicts: KeyVerdict[] = [];
  let calls = 0;
  const advance = (ms: number) => {
    clock += ms;
  };
  const fetch = ((_url: string, init: RequestInit) =>
    script(calls++, init.signal as AbortSignal, advance)) as typeof globalThis.fetch;
  const options = { ...defaultProxyOptions, ...over };
  const log = new AttemptLog(options.retries);
  const input = {
    provider: createFakeProvider(),
    model: "fake-chat-small",
    request: {
      api: "openai" as const,
      method: "POST",
      path: "/chat/completions",
      search: "",
      headers: new Headers(),
      body: null,
      stream: false,
    },
    clientSignal: client.signal,
    options,
    deadline: clock + options.deadlineMs,
  };
  const deps = {
    pool,
    fetch,
    hooks: { outcome: (v: KeyVerdict) => void verdicts.push(v) },
    now: () => clock,
    sleep: async (ms: number) => advance(ms),
  };
  const end = await runAttempts(input, deps, log).catch((error: unknown) => ({ kind: "threw" as const, error }));
  return { end, log, verdicts, calls: () => calls };
}

const kinds = (verdicts: KeyVerdict[]) => verdicts.map((v) => (v.kind === "failed" ? v.failure.kind : v.kind));
const statusOf = (end: LoopEnd | { kind: "threw"; error: unknown }) =>
  end.kind === "failed" ? end.error.status : end.kind === "threw" ? (end.error as { status?: number }).status : 200;

describe("attempt loop: failing over and retrying", () => {
  it("fails over from a dead key without spending a retry, and reports each verdict", async () => {
    const r = await run(["fake-key-a", "fake-key-b"], (call) => (call === 0 ? dead() : ok()), { retries: 0 });
    expect(r.end.kind).toBe("answered");
    expect(kinds(r.verdicts)).toEqual(["key_invalid", "served"]);
    expect(r.log.failures).toEqual(["key_invalid"]);
    expect(r.log.tried.size).toBe(2);
  });

  it("bounds upstream errors by `retries`, then answers the last error", async () => {
    const r = await run(["fake-key-a", "fake-key-b", "fake-key-c", "fake-key-d"], serverError, { retries: 2 });
    expect(r.calls()).toBe(3);
    expect(r.end.kind === "failed" && r.end.error.message).toMatch(
      /^All 3 attempt\(s\) failed; last error: Upstream answered 500: boom/,
    );
    expect(statusOf(r.end)).toBe(502);
  });

  it("passes the upstream's own refusal on, after one attempt", async () => {
    const r = await run(["fake-key-a", "fake-key-b"], () => json(400, { error: { message: "bad request" } }));
    expect(r.end.kind).toBe("refused");
    expect(r.calls()).toBe(1);
    expect(kinds(r.verdicts)).toEqual(["refused"]);
    expect(r.log.failures).toEqual(["client_error"]);
  });

  it("treats an empty 200 and a cut JSON answer as failed attempts", async () => {
    const answers = [
      () => Promise.resolve(new Response("", { status: 200, headers: { "content-length": "0" } })),
      () =>
        Promise.resolve(new Response('{"choices":[', { status: 200, headers: { "content-type": "application/json" } })),
      ok,
    ];
    const r = await run(["fake-key-a", "fake-key-b", "fake-key-c"], (call) =>
      (answers[call] as () => Promise<Response>)(),
    );
    expect(r.end.kind).toBe("answered");
    expect(r.verdicts.slice(0, 2).map((v) => v.kind === "failed" && v.failure.message)).toEqual([
      "Upstream answered 200 with an empty body.",
      "Upstream JSON answer ended before it was complete.",
    ]);
  });
});

describe("attempt loop: the network, the client and the clock", () => {
  it("resends once, unrecorded, when the request itself failed; a second failure counts", async () => {
    const refused = () => Promise.reject(new Error("socket hang up"));
    const once = await run(["fake-key-a"], (call) => (call === 0 ? refused() : ok()), { retries: 0 });
    expect(once.end.kind).toBe("answered");
    expect(kinds(once.verdicts)).toEqual(["served"]);
    const twice = await run(["fake-key-a"], refused, { retries: 0 });
    expect(twice.calls()).toBe(2);
    expect(kinds(twice.verdicts)).toEqual(["upstream_error"]);
    expect(twice.end.kind === "failed" && twice.end.error.message).toContain("Upstream request failed: socket hang up");
  });

  it("answers 499 without an outcome when the client is gone", async () => {
    const client = new AbortController();
    client.abort(new Error("gone"));
    const r = await run(["fake-key-a", "fake-key-b"], (_call, signal) => Promise.reject(signal.reason), {}, client);
    expect(r.end.kind).toBe("threw");
    expect(statusOf(r.end)).toBe(499);
    expect(r.verdicts).toEqual([]);
  });

  it("stops at the deadline with a 504 for a failure that threw, however many retries are left", async () => {
    const r = await run(
      ["fake-key-a", "fake-key-b", "fake-key-c"],
      (call, _signal, advance) => {
        if (call === 1) advance(61_000);
        return Promise.reject(new Error(`reset ${call}`));
      },
      { retries: 5, deadlineMs: 60_000 },
    );
    expect(r.calls()).toBe(2); // the first went again once (a dead socket), the second met the deadline
    expect(statusOf(r.end)).toBe(504);
    expect(r.end.kind === "failed" && r.end.error.message).toContain("Upstream request failed: reset 1");
    expect(r.log.failures).toEqual(["upstream_error"]);
  });
});
