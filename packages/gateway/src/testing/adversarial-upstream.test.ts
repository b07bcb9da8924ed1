import { connect, type Socket } from "node:net";
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { createParser } from "eventsource-parser";
import { Agent, Client, type Dispatcher, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  type AdversarialUpstream,
  CHAOS_FAILING_BEFORE_FIRST_BYTE,
  CHAOS_FAILING_MID_STREAM,
  CHAOS_HEALTHY,
  type ChaosBehaviour,
  chaosWords,
  openAIChaosRoute,
  startAdversarialUpstream,
  type WireAnswer,
  wire,
} from "./adversarial-upstream.js";

// ---------- a raw HTTP/1.1 client: sees the bytes exactly as the server framed them ----------

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  /** Body bytes as framed on the wire (chunk sizes included). */
  rawBody: Buffer;
  /** Body with chunked framing removed. */
  body: Buffer;
  /** Chunk sizes, for chunked framing. */
  chunks: number[];
  /** The framing says the body is complete (close framing: the server closed cleanly). */
  complete: boolean;
}

interface RawResult {
  response: RawResponse | undefined;
  /** `data` events the client saw for this exchange. */
  reads: number;
  /** The server ended the connection (FIN). */
  ended: boolean;
  /** Socket error code (ECONNRESET for an RST). */
  error?: string;
}

function parseRaw(bytes: Buffer, eof: boolean): RawResponse | undefined {
  const headEnd = bytes.indexOf("\r\n\r\n");
  if (headEnd < 0) return undefined;
  const [statusLine = "", ...lines] = bytes.subarray(0, headEnd).toString("latin1").split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const rawBody = bytes.subarray(headEnd + 4);
  const base = { status: Number(statusLine.split(" ")[1]), headers, rawBody, chunks: [] as number[] };
  if (headers["transfer-encoding"] === "chunked") {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = rawBody.indexOf("\r\n", at);
      if (lineEnd < 0) return { ...base, body: Buffer.concat(parts), complete: false };
      const size = Number.parseInt(rawBody.subarray(at, lineEnd).toString("latin1"), 16);
      if (size === 0) return { ...base, body: Buffer.concat(parts), complete: rawBody.length >= lineEnd + 4 };
      const end = lineEnd + 2 + size;
      parts.push(rawBody.subarray(lineEnd + 2, Math.min(end, rawBody.length)));
      if (rawBody.length < end + 2) return { ...base, body: Buffer.concat(parts), complete: false };
      base.chunks.push(size);
      at = end + 2;
    }
  }
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    return { ...base, body: rawBody.subarray(0, length), complete: rawBody.length >= length };
  }
  return { ...base, body: rawBody, complete: eof };
}

async function openSocket(upstream: AdversarialUpstream, allowHalfOpen = false): Promise<Socket> {
  const socket = connect({ port: Number(new URL(upstream.url).port), host: "127.0.0.1", allowHalfOpen });
  socket.on("error", () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Sends `text` on `socket` and collects one answer: until its framing completes, or the socket ends. */
function exchange(socket: Socket, text: string, options: { halfClose?: boolean } = {}): Promise<RawResult> {
  return new Promise((resolve) => {
    let bytes = Buffer.alloc(0);
    const result: RawResult = { response: undefined, reads: 0, ended: false };
    const finish = () => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.off("error", onError);
      socket.off("close", onEnd);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      result.reads++;
      bytes = Buffer.concat([bytes, chunk]);
      result.response = parseRaw(bytes, false);
      if (result.response?.complete && result.response.headers.connection !== "close") finish();
    };
    const onEnd = () => {
      result.ended = true;
      result.response = parseRaw(bytes, result.error === undefined);
      finish();
    };
    const onError = (error: NodeJS.ErrnoException) => {
      result.error = error.code;
    };
    socket.on("data", onData);
    socket.on("end", onEnd);
    socket.on("close", onEnd);
    socket.on("error", onError);
    if (options.halfClose) socket.end(text);
    else socket.write(text);
  });
}

const get = (path = "/", headers = "") => `GET ${path} HTTP/1.1\r\nhost: upstream\r\n${headers}\r\n`;

async function rawGet(upstream: AdversarialUpstream, answer: WireAnswer, headers = ""): Promise<RawResult> {
  upstream.setRoute(() => answer);
  const socket = await openSocket(upstream);
  try {
    return await exchange(socket, get("/", headers));
  } finally {
    socket.destroy();
  }
}

/** Parses an SSE body with eventsource-parser, as a client would. */
function sseData(text: string): string[] {
  const data: string[] = [];
  const parser = createParser({ onEvent: (event) => data.push(event.data) });
  parser.feed(text);
  return data;
}

const waitFor = async (check: () => boolean, ms = 2000) => {
  const start = Date.now();
  while (!check() && Date.now() - start < ms) await new Promise((resolve) => setTimeout(resolve, 5));
  return check();
};

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

describe("framing", () => {
  it("length: content-length, no transfer-encoding, and the socket stays open for the next request", async () => {
    upstream.setRoute((request) => wire.json({ hello: "world", index: request.socketRequestIndex }));
    const socket = await openSocket(upstream);
    const first = await exchange(socket, get());
    const second = await exchange(socket, get());
    socket.destroy();
    const body = JSON.stringify({ hello: "world", index: 0 });
    expect(first.response).toMatchObject({ status: 200, complete: true });
    expect(first.response?.headers["content-length"]).toBe(String(body.length));
    expect(first.response?.headers["transfer-encoding"]).toBeUndefined();
    expect(first.response?.headers["content-type"]).toBe("application/json");
    expect(first.response?.headers.connection).toBeUndefined();
    expect(first.response?.body.toString()).toBe(body);
    expect(first.ended).toBe(false);
    expect(JSON.parse(second.response?.body.toString() ?? "")).toEqual({ hello: "world", index: 1 });
    expect(upstream.requests.map((r) => r.socketRequestIndex)).toEqual([0, 1]);
  });

  it("chunked: transfer-encoding chunked, no content-length, each piece its own chunk", async () => {
    const { response } = await rawGet(upstream, { body: "abcdefghij", framing: "chunked", chunkSize: 4 });
    expect(response?.headers["transfer-encoding"]).toBe("chunked");
    expect(response?.headers["content-length"]).toBeUndefined();
    expect(response?.chunks).toEqual([4, 4, 2]);
    expect(response?.rawBody.toString()).toBe("4\r\nabcd\r\n4\r\nefgh\r\n2\r\nij\r\n0\r\n\r\n");
    expect(response?.body.toString()).toBe("abcdefghij");
  });

  it("close: no length at all, connection: close, the body ends with the server's FIN", async () => {
    const result = await rawGet(upstream, { body: '{"a":1}', framing: "close" });
    expect(result.ended).toBe(true);
    expect(result.error).toBeUndefined();
    expect(result.response?.headers["content-length"]).toBeUndefined();
    expect(result.response?.headers["transfer-encoding"]).toBeUndefined();
    expect(result.response?.headers.connection).toBe("close");
    expect(result.response?.body.toString()).toBe('{"a":1}');
    expect(result.response?.complete).toBe(true);
  });

  it("closeAfter keeps the length but closes the connection; given headers replace computed ones", async () => {
    const result = await rawGet(upstream, {
      body: "hi",
      closeAfter: true,
      headers: { "Content-Type": "text/plain", "X-Extra": "1" },
    });
    expect(result.ended).toBe(true);
    expect(result.response?.headers).toMatchObject({
      "content-length": "2",
      connection: "close",
      "content-type": "text/plain",
      "x-extra": "1",
    });
  });
});

describe("encoding", () => {
  const payload = JSON.stringify({ text: "compress me ".repeat(50) });
  const decoders = { gzip: gunzipSync, br: brotliDecompressSync, deflate: inflateSync } as const;

  it.each(
    Object.keys(decoders) as (keyof typeof decoders)[],
  )("%s unasked: header set, body decodes to the payload", async (encoding) => {
    const { response } = await rawGet(upstream, { body: payload, encoding });
    expect(response?.headers["content-encoding"]).toBe(encoding);
    expect(Number(response?.headers["content-length"])).toBe(response?.body.length);
    expect(response?.body.length).toBeLessThan(payload.length);
    expect(decoders[encoding](response?.body ?? Buffer.alloc(0)).toString()).toBe(payload);
  });

  it("onlyIfAccepted compresses only when accept-encoding lists the encoding", async () => {
    const answer: WireAnswer = { body: payload, encoding: "gzip", onlyIfAccepted: true };
    const plain = await rawGet(upstream, answer);
    const refused = await rawGet(upstream, answer, "accept-encoding: br, gzip;q=0\r\n");
    const accepted = await rawGet(upstream, answer, "accept-encoding: br, GZIP;q=0.8\r\n");
    expect(plain.response?.headers["content-encoding"]).toBeUndefined();
    expect(plain.response?.body.toString()).toBe(payload);
    expect(refused.response?.headers["content-encoding"]).toBeUndefined();
    expect(accepted.response?.headers["content-encoding"]).toBe("gzip");
    expect(gunzipSync(accepted.response?.body ?? Buffer.alloc(0)).toString()).toBe(payload);
  });
});

describe("pieces and timing", () => {
  it("chunkSize 1 arrives as many separate reads", async () => {
    const body = "x".repeat(200);
    const result = await rawGet(upstream, { body, chunkSize: 1 });
    expect(result.response?.body.toString()).toBe(body);
    expect(result.reads).toBeGreaterThan(100);
  });

  it("splitAt cuts chunked framing at the given offsets", async () => {
    const { response } = await rawGet(upstream, { body: "0123456789", framing: "chunked", splitAt: [3, 5, 50] });
    expect(response?.chunks).toEqual([3, 2, 5]);
  });

  it("headerDelayMs delays the status line; chunkDelayMs spaces the pieces", async () => {
    let start = Date.now();
    const slow = await rawGet(upstream, { body: "late", headerDelayMs: 300 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(280);
    expect(Date.now() - start).toBeLessThan(2000);
    expect(slow.response?.body.toString()).toBe("late");
    start = Date.now();
    await rawGet(upstream, { body: "abcd", chunkSize: 1, chunkDelayMs: 50 });
    expect(Date.now() - start).toBeGreaterThanOrEqual(140);
  });
});

describe("SSE", () => {
  const events = [{ id: 1, text: "a, b" }, { id: 2, nested: { list: [1, 2] } }, "plain"];
  const expected = [...events, "[DONE]"];
  const parsed = (data: string[]) => data.map((d) => (d === "plain" || d === "[DONE]" ? d : JSON.parse(d)));

  it("is chunked text/event-stream, one chunk per event", async () => {
    const { response } = await rawGet(upstream, wire.sse(events));
    expect(response?.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(response?.headers["transfer-encoding"]).toBe("chunked");
    expect(response?.chunks).toHaveLength(4);
    expect(parsed(sseData(response?.body.toString() ?? ""))).toEqual(expected);
  });

  it.each([
    ["crlf", { crlf: true }, (raw: string) => raw.includes("\r\n\r\n") && !/[^\r]\n/.test(raw)],
    ["comments", { comments: true }, (raw: string) => raw.includes(": ping\n\n") && raw.includes(": keep-alive\n\n")],
    ["multilineData", { multilineData: true }, (raw: string) => /data: .*\ndata: /.test(raw)],
  ] as const)("%s parses back to the same events", async (_name, options, looksRight) => {
    const { response } = await rawGet(upstream, wire.sse(events, options));
    const raw = response?.body.toString() ?? "";
    expect(looksRight(raw)).toBe(true);
    expect(parsed(sseData(raw))).toEqual(expected);
  });

  it("done: false leaves out [DONE]", async () => {
    const { response } = await rawGet(upstream, wire.sse(["a"], { done: false, framing: "close" }));
    expect(sseData(response?.body.toString() ?? "")).toEqual(["a"]);
  });
});

describe("error shapes", () => {
  it.each([
    [502, "502 Bad Gateway", "nginx"],
    [504, "504 Gateway Time-out", "nginx"],
    [520, "520: Web server is returning an unknown error", "cloudflare"],
  ])("htmlError(%i) is an HTML page", async (status, text, server) => {
    const { response } = await rawGet(upstream, wire.htmlError(status));
    expect(response?.status).toBe(status);
    expect(response?.headers["content-type"]).toBe("text/html; charset=UTF-8");
    expect(response?.headers.server).toBe(server);
    expect(response?.body.toString()).toContain(text);
  });

  it("rateLimited sends retry-after as seconds or as an HTTP date", async () => {
    const seconds = await rawGet(upstream, wire.rateLimited({ retryAfter: "seconds", seconds: 7 }));
    expect(seconds.response?.status).toBe(429);
    expect(seconds.response?.headers["retry-after"]).toBe("7");
    expect(JSON.parse(seconds.response?.body.toString() ?? "").error).toMatchObject({
      type: "requests",
      param: null,
      code: "rate_limit_exceeded",
    });
    const date = await rawGet(upstream, wire.rateLimited({ retryAfter: "date", seconds: 30 }));
    const retryAt = Date.parse(date.response?.headers["retry-after"] ?? "");
    expect(date.response?.headers["retry-after"]).toMatch(/GMT$/);
    expect(retryAt - Date.now()).toBeGreaterThan(28_000);
    expect(retryAt - Date.now()).toBeLessThanOrEqual(30_000);
  });
});

describe("resets", () => {
  let agent: Agent;
  beforeAll(() => {
    agent = new Agent();
  });
  afterAll(() => agent.close());
  const call = (answer: WireAnswer) => {
    upstream.setRoute(() => answer);
    return request(upstream.url, { dispatcher: agent });
  };

  it("before headers: undici request() and fetch reject", async () => {
    await expect(call({ reset: "before-headers" })).rejects.toThrow();
    await expect(fetch(upstream.url)).rejects.toThrow();
  });

  it("after headers: the status arrives, then reading the body rejects", async () => {
    const response = await call({ body: "never sent", reset: "after-headers" });
    expect(response.statusCode).toBe(200);
    expect(response.headers["content-length"]).toBe("10");
    await expect(response.body.text()).rejects.toThrow();
  });

  it("mid body: exactly afterBytes body bytes arrive, then an RST", async () => {
    const raw = await rawGet(upstream, { body: "0123456789", reset: { afterBytes: 4 } });
    expect(raw.error).toBe("ECONNRESET");
    expect(raw.response?.rawBody.toString()).toBe("0123");
    upstream.setRoute(() => ({ body: "0123456789", framing: "chunked", reset: { afterBytes: 4 } }));
    const response = await fetch(upstream.url);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });

  it("resetReusedSockets: the second request on a kept-alive socket meets an RST and is counted", async () => {
    const stale = await startAdversarialUpstream({ resetReusedSockets: true, route: () => wire.json({ ok: true }) });
    try {
      const socket = await openSocket(stale);
      const first = await exchange(socket, get());
      const second = await exchange(socket, get());
      expect(first.response?.status).toBe(200);
      expect(second.response).toBeUndefined();
      expect(second.error).toBe("ECONNRESET");
      expect(stale.staleSocketResets).toBe(1);
      expect(stale.requests).toHaveLength(1);

      // The same through an undici Client: one connection, so the second request must reuse it.
      const pool = new Client(stale.url);
      const ok = await request(stale.url, { dispatcher: pool });
      expect(await ok.body.text()).toBe('{"ok":true}');
      await expect(request(stale.url, { dispatcher: pool })).rejects.toThrow();
      await pool.close();
      expect(stale.staleSocketResets).toBe(2);
    } finally {
      await stale.close();
    }
  });
});

describe("connections", () => {
  it("parses content-length and chunked request bodies, keys from all four places, and JSON", async () => {
    upstream.setRoute(() => wire.json({}));
    const socket = await openSocket(upstream);
    const json = '{"model":"m","stream":true}';
    await exchange(
      socket,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nAuthorization: Bearer sk-a\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n${json}`,
    );
    await exchange(
      socket,
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: sk-b\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n2;ext=1\r\n1}\r\n0\r\ntrailer: t\r\n\r\n`,
    );
    await exchange(socket, get("/v1beta/models", "x-goog-api-key: AIza-c\r\n"));
    await exchange(socket, `\r\n${get("/v1beta/models?key=AIza-d&pageSize=5")}`);
    socket.destroy();
    const [a, b, c, d] = upstream.requests;
    expect(a).toMatchObject({ method: "POST", path: "/v1/chat/completions", key: "sk-a", json: { model: "m" } });
    expect(a?.headers["content-type"]).toBe("application/json");
    expect(b).toMatchObject({ key: "sk-b", json: { a: 1 }, socketRequestIndex: 1 });
    expect(b?.body.toString()).toBe('{"a":1}');
    expect(c).toMatchObject({ method: "GET", key: "AIza-c", json: undefined, socketRequestIndex: 2 });
    expect(d).toMatchObject({ path: "/v1beta/models?key=AIza-d&pageSize=5", key: "AIza-d", socketRequestIndex: 3 });
  });

  it("answers malformed requests with 400 and failing routes with 500", async () => {
    const socket = await openSocket(upstream);
    const bad = await exchange(socket, "NONSENSE\r\n\r\n");
    expect(bad.response?.status).toBe(400);
    expect(bad.ended).toBe(true);
    upstream.setRoute(() => {
      throw new Error("route broke");
    });
    const next = await openSocket(upstream);
    const broken = await exchange(next, get());
    next.destroy();
    expect(broken.response?.status).toBe(500);
    expect(broken.response?.body.toString()).toContain("route broke");
  });

  it("a client that half-closes after its request still gets the answer, then a FIN", async () => {
    upstream.setRoute(() => wire.json({ ok: true }));
    const socket = await openSocket(upstream);
    const result = await exchange(socket, get(), { halfClose: true });
    expect(result.response?.body.toString()).toBe('{"ok":true}');
    expect(await waitFor(() => socket.destroyed || socket.readableEnded)).toBe(true);
    socket.destroy();
  });

  it("idleSocketTimeoutMs closes idle sockets; a request sent after that FIN crashes nothing", async () => {
    const idle = await startAdversarialUpstream({ idleSocketTimeoutMs: 100, route: () => wire.json({ ok: true }) });
    try {
      const socket = await openSocket(idle, true);
      expect((await exchange(socket, get())).response?.status).toBe(200);
      const start = Date.now();
      await new Promise((resolve) => socket.once("end", resolve));
      expect(Date.now() - start).toBeGreaterThanOrEqual(80);
      // Our side is still writable: the request goes out to a socket the server has closed, whose
      // kernel answers with an RST; the client only notices at its next write.
      const errors: string[] = [];
      socket.on("error", (error: NodeJS.ErrnoException) => errors.push(String(error.code)));
      socket.write(get());
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.write(get());
      expect(await waitFor(() => socket.destroyed)).toBe(true);
      expect(errors[0]).toMatch(/EPIPE|ECONNRESET/);
      expect(idle.requests).toHaveLength(1);
      socket.destroy();
      expect(await waitFor(() => idle.openConnections() === 0)).toBe(true);
      const fresh = await openSocket(idle);
      expect((await exchange(fresh, get())).response?.status).toBe(200);
      fresh.destroy();
    } finally {
      await idle.close();
    }
  });

  it("openConnections() counts open sockets and drops to 0 once clients close", async () => {
    upstream.setRoute(() => wire.json({ ok: true }));
    const sockets = await Promise.all([openSocket(upstream), openSocket(upstream), openSocket(upstream)]);
    expect(await waitFor(() => upstream.openConnections() === 3)).toBe(true);
    const pool = new Agent();
    await (await request(upstream.url, { dispatcher: pool })).body.text();
    expect(upstream.openConnections()).toBe(4);
    for (const socket of sockets) socket.end();
    await pool.close();
    expect(await waitFor(() => upstream.openConnections() === 0)).toBe(true);
  });
});

describe("openAIChaosRoute", () => {
  const words = chaosWords(8);
  const content = words.join("");
  const behaviours = [...CHAOS_HEALTHY, ...CHAOS_FAILING_BEFORE_FIRST_BYTE, ...CHAOS_FAILING_MID_STREAM];

  it("builds real OpenAI shapes", () => {
    expect(content).toBe("w0 w1 w2 w3 w4 w5 w6 w7");
    expect(wire.openAIChat("m", "a b")).toMatchObject({
      object: "chat.completion",
      model: "m",
      choices: [{ index: 0, message: { role: "assistant", content: "a b" }, finish_reason: "stop" }],
      usage: { prompt_tokens: 9, completion_tokens: 2, total_tokens: 11 },
    });
    const chunks = wire.openAIChatChunks("m", ["a", " b"], { usage: true }) as Record<string, unknown>[];
    expect(chunks.map((c) => (c.choices as { delta?: unknown }[])[0]?.delta)).toEqual([
      { role: "assistant", content: "", refusal: null },
      { content: "a" },
      { content: " b" },
      {},
      undefined,
    ]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 2 } });
    expect(wire.openAIModels(["x"])).toEqual({
      object: "list",
      data: [{ id: "x", object: "model", created: 1_700_000_000, owned_by: "system" }],
    });
    expect(new Set(behaviours).size).toBe(behaviours.length);
  });

  interface Outcome {
    status?: number;
    headers?: Record<string, string | string[] | undefined>;
    body?: string;
    /** Where it failed: no response at all, or while reading the body. */
    failed?: "request" | "body";
    error?: string;
  }

  async function call(agent: Dispatcher, behaviour: ChaosBehaviour, kind: "json" | "stream" | "models" | "embed") {
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
  function healthy(kind: "json" | "stream" | "models" | "embed", outcome: Outcome): boolean {
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

  it("every behaviour answers chat (JSON and SSE), embeddings and models without hurting the server", async () => {
    upstream.setRoute(
      openAIChaosRoute({
        keys: Object.fromEntries(behaviours.map((b) => [b, b])),
        okSlowHeadersMs: 50,
      }),
    );
    const agent = new Agent({ connections: 200 });
    const started = Date.now();
    const kinds = ["json", "stream", "models", "embed"] as const;
    const results = await Promise.all(
      behaviours.flatMap((behaviour) =>
        kinds.map(async (kind) => ({ behaviour, kind, outcome: await call(agent, behaviour, kind) })),
      ),
    );
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
    const by = (behaviour: ChaosBehaviour, kind: (typeof kinds)[number]) =>
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
    expect(Date.parse(String(by("rate-limited-date", "json").headers?.["retry-after"]))).toBeGreaterThan(
      started + 1000,
    );
    expect(by("empty-200", "models")).toMatchObject({ status: 200, body: "" });
    expect(sseData(by("cut-mid-stream", "stream").body ?? "")).toHaveLength(3);
    await agent.close();

    // Still serving, nothing left open, and unknown keys get the default 401.
    expect(await waitFor(() => upstream.openConnections() === 0)).toBe(true);
    const after = await request(`${upstream.url}/v1/models`, { headers: { authorization: "Bearer sk-unknown" } });
    expect(after.statusCode).toBe(401);
    expect(JSON.parse(await after.body.text()).error.code).toBe("invalid_api_key");
  });

  it("reset-mid-event delivers two whole events, then part of one, then an RST", async () => {
    upstream.setRoute(openAIChaosRoute({ defaultBehaviour: "reset-mid-event" }));
    const socket = await openSocket(upstream);
    const body = JSON.stringify({ model: "m", stream: true });
    const result = await exchange(
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
