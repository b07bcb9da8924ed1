/**
 * The gateway against every wire shape of the adversarial upstream, on each runtime's own fetch:
 * Node (undici via createNodeFetch), Bun and workerd. A failure before the first byte fails
 * over (classified right: an HTML 502 never retires a key), a break after it ends the stream
 * with an explicit error event, compressed answers arrive readable with usage still counted.
 */
import { type AdversarialUpstream, startAdversarialUpstream } from "@keyhive/gateway/testing";
import {
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
  chaosWords,
  openAIChaosRoute,
} from "@keyhive/provider-openai/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Call, startBunTarget, startNodeTarget, startWorkerdTarget, type Target } from "./wire-targets.js";

const TOKEN = "kh-wire-token";
const ADMIN = "wire-admin-password";
const CONTENT = chaosWords(8).join("");
const keyOf = (behaviour: ChaosBehaviour, n = 0) => `sk-wire-${behaviour}-${n}`;
const keys: Record<string, ChaosBehaviour> = {};
for (const b of [...CHAOS_HEALTHY, ...CHAOS_FAILING_BEFORE_FIRST_BYTE, ...CHAOS_FAILING_MID_STREAM])
  for (const n of [0, 1]) keys[keyOf(b, n)] = b;

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream({
    route: openAIChaosRoute({ keys, okSlowHeadersMs: 300, slowHeadersMs: 30_000 }),
    idleSocketTimeoutMs: 300,
  });
});
afterAll(() => upstream.close());

function harness(call: Call) {
  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await call(`/admin/api${path}`, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    expect(res.status, `${method} ${path}: ${text}`).toBeLessThan(300);
    return JSON.parse(text);
  };
  const only = async (secrets: string[]) => {
    await admin("DELETE", "/keys", { filter: {} });
    const added = await admin("POST", "/keys", { provider: "openai", keys: secrets });
    expect(added.added).toHaveLength(secrets.length);
  };
  const keyStatus = async (secret: string) => {
    const list = await admin("GET", "/keys?pageSize=1000");
    return list.data.find((k: { key: string }) => k.key.endsWith(secret.slice(-4)))?.status as string;
  };
  const chat = (stream: boolean, token = TOKEN, extra: object = {}) =>
    call("/v1/chat/completions", {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", stream, messages: [{ role: "user", content: "hi" }], ...extra }),
    });
  return { admin, only, keyStatus, chat };
}

/** The events of an SSE body; every one must parse. */
function events(text: string): unknown[] {
  return text
    .split(/\r?\n\r?\n/)
    .map((block) =>
      block
        .split(/\r?\n/)
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n"),
    )
    .filter(Boolean)
    .map((data) => (data === "[DONE]" ? "[DONE]" : JSON.parse(data)));
}
const streamed = (list: unknown[]) =>
  list.map((e) => (e as { choices?: { delta?: { content?: string } }[] }).choices?.[0]?.delta?.content ?? "").join("");

/** What each case of the wire suite runs against: one runtime's gateway and its admin harness. */
interface WireContext {
  name: string;
  target: Target;
  h: ReturnType<typeof harness>;
}

/** every healthy shape arrives whole and readable, JSON and stream; usage counted on compressed streams. */
async function healthyShapes({ name, target, h }: WireContext) {
  const { token } = await h.admin("POST", "/tokens", { name: `wire-${name}` });
  for (const behaviour of CHAOS_HEALTHY) {
    await h.only([keyOf(behaviour)]);
    const json = await h.chat(false, token);
    expect(json.status, behaviour).toBe(200);
    expect(json.headers.get("content-encoding"), behaviour).toBeNull();
    expect(((await json.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
      CONTENT,
    );
    const sse = await h.chat(true, token);
    expect(sse.status, behaviour).toBe(200);
    const list = events(await sse.text());
    expect(list.at(-1), behaviour).toBe("[DONE]");
    expect(streamed(list), behaviour).toBe(CONTENT);
    // The models list (where key checks go) through the provider mount, readable.
    const models = await target.call("/openai/v1/models", { headers: { authorization: `Bearer ${token}` } });
    expect(models.status, behaviour).toBe(200);
    expect(
      ((await models.json()) as { data: { id: string }[] }).data.map((m) => m.id),
      behaviour,
    ).toContain("gpt-4o-mini");
  }
  // Every stream above was asked for its usage on the client's behalf (gzip, br, deflate
  // included): the token's usage counts each of them.
  const usage = await h.admin("GET", "/tokens");
  const mine = usage.data.find((t: { name: string }) => t.name === `wire-${name}`);
  expect(mine.usage.requests).toBeGreaterThanOrEqual(CHAOS_HEALTHY.length * 2);
  expect(mine.usage.totalTokens).toBeGreaterThanOrEqual(CHAOS_HEALTHY.length * 2 * 8);
}

/** every failure before the first byte fails over to a healthy key, classified right. */
async function failoverBeforeFirstByte({ h }: WireContext) {
  for (const behaviour of CHAOS_FAILING_BEFORE_FIRST_BYTE) {
    // Two failing keys and one healthy one: whichever order selection picks, all succeed.
    await h.only([keyOf(behaviour, 0), keyOf(behaviour, 1), keyOf("ok-chunked")]);
    upstream.reset();
    const tried = () => upstream.requests.filter((r) => r.key?.startsWith(`sk-wire-${behaviour}-`)).length;
    // Until both failing keys were tried (selection is random), each request must succeed.
    for (let i = 0; i < 4 || (tried() < 2 && i < 24); i++) {
      const stream = i % 2 === 1;
      const res = await h.chat(stream);
      const text = await res.text();
      expect(res.status, `${behaviour} stream=${stream}: ${text.slice(0, 200)}`).toBe(200);
      const list = stream ? events(text) : [];
      // A stream reset after its first bytes cannot fail over: it must say so instead.
      const interrupted = (list.at(-1) as { error?: { code?: string } } | undefined)?.error?.code;
      if (stream && behaviour === "reset-mid-body" && interrupted) expect(interrupted).toBe("stream_interrupted");
      else if (stream) expect(streamed(list), behaviour).toBe(CONTENT);
      else expect(JSON.parse(text).choices[0].message.content, behaviour).toBe(CONTENT);
    }
    expect(tried(), `${behaviour}: failing keys tried`).toBeGreaterThanOrEqual(2);
    const status = await h.keyStatus(keyOf(behaviour, 0));
    if (behaviour === "invalid") expect(status, behaviour).toBe("invalid");
    else if (behaviour === "no-quota") expect(status, behaviour).toBe("exhausted");
    // A CDN page, a reset, an empty answer or a 5xx says nothing about the key.
    else expect(["active", "cooling"], `${behaviour}: ${status}`).toContain(status);
  }
}

/** a break after the first byte ends the stream with an explicit error event. */
async function breakAfterFirstByte({ h }: WireContext) {
  for (const behaviour of CHAOS_FAILING_MID_STREAM) {
    await h.only([keyOf(behaviour)]);
    const res = await h.chat(true);
    expect(res.status, behaviour).toBe(200);
    const list = events(await res.text()); // parses: no half event before the error
    const last = list.at(-1) as { error?: { code?: string; message?: string } };
    expect(last.error?.code, behaviour).toBe("stream_interrupted");
    expect(last.error?.message, behaviour).toMatch(/interrupted/);
    expect(list).not.toContain("[DONE]");
    // The same fault in a JSON answer (half the body, then a close or a reset) is caught
    // before the client sees a byte: alone it is a clear 502, next to a healthy key it fails over.
    const alone = await h.chat(false);
    expect(alone.status, behaviour).toBe(502);
    expect(((await alone.json()) as { error: { message: string } }).error.message).toMatch(/Upstream/);
    await h.only([keyOf(behaviour, 1), keyOf("ok-close")]);
    for (let i = 0; i < 4; i++) {
      const res = await h.chat(false);
      expect(res.status, behaviour).toBe(200);
      expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0]?.message.content).toBe(
        CONTENT,
      );
    }
  }
}

/** a keep-alive socket the upstream closed just as it was reused is retried transparently. */
async function staleKeepAlive({ h }: WireContext) {
  const stale = await startAdversarialUpstream({
    route: openAIChaosRoute({ defaultBehaviour: "ok" }),
    resetReusedSockets: true,
  });
  try {
    await h.admin("DELETE", "/keys", { filter: {} });
    await h.admin("POST", "/keys", {
      provider: "openai",
      keys: ["sk-wire-stale-socket-key-01"],
      baseURL: stale.baseURL,
    });
    for (let i = 0; i < 6; i++) {
      const res = await h.chat(i % 2 === 1);
      expect(res.status, `request ${i}: ${await res.clone().text()}`).toBe(200);
      await res.text();
    }
    expect(await h.keyStatus("sk-wire-stale-socket-key-01")).toBe("active");
    expect(stale.staleSocketResets).toBeGreaterThan(0); // the case really happened
  } finally {
    await stale.close();
  }
}

/** with only dead or broken keys, the client gets a clear error in its own format. */
async function onlyBrokenKeys({ h }: WireContext) {
  await h.only([keyOf("html-520"), keyOf("reset-before-headers"), keyOf("invalid")]);
  const res = await h.chat(false);
  expect(res.status).toBeGreaterThanOrEqual(500);
  const body = (await res.json()) as { error: { message: string; type: string } };
  expect(body.error.message).toMatch(/attempt|HTML error page|Upstream/);
  expect(body.error.message).not.toContain("<html");
}

function wireSuite(name: string, start: () => Promise<Target>) {
  describe(`${name}: the gateway on an unfriendly wire`, () => {
    const ctx = { name } as WireContext;
    beforeAll(async () => {
      ctx.target = await start();
      ctx.h = harness(ctx.target.call);
      // slow-headers must fail over well inside the test's time.
      await ctx.h.admin("PATCH", "/settings", { attemptTimeoutMs: 1500, retries: 5 });
    }, 60_000);
    afterAll(() => ctx.target?.close());

    it(
      "every healthy shape arrives whole and readable, JSON and stream; usage counted on compressed streams",
      () => healthyShapes(ctx),
      120_000,
    );

    it(
      "every failure before the first byte fails over to a healthy key, classified right",
      () => failoverBeforeFirstByte(ctx),
      180_000,
    );

    it(
      "a break after the first byte ends the stream with an explicit error event",
      () => breakAfterFirstByte(ctx),
      60_000,
    );

    it("a keep-alive socket the upstream closed just as it was reused is retried transparently", () =>
      staleKeepAlive(ctx));

    it("with only dead or broken keys, the client gets a clear error in its own format", () => onlyBrokenKeys(ctx));
  });
}

wireSuite("node", () => startNodeTarget(upstream.baseURL, TOKEN, ADMIN));
wireSuite("workerd", () => startWorkerdTarget(upstream.baseURL, TOKEN, ADMIN));
wireSuite("bun", () => startBunTarget(upstream.baseURL, TOKEN, ADMIN));
