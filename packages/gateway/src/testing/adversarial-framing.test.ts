/** The adversarial upstream's answer framing, content encodings, pieces and timing, read byte by byte. */
import { brotliDecompressSync, gunzipSync, inflateSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AdversarialUpstream, startAdversarialUpstream, type WireAnswer, wire } from "./adversarial-upstream.js";
import { openRawSocket, rawExchange, rawGet, rawGetRequest } from "./raw-client.js";

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

describe("framing", () => {
  it("length: content-length, no transfer-encoding, and the socket stays open for the next request", async () => {
    upstream.setRoute((request) => wire.json({ hello: "world", index: request.socketRequestIndex }));
    const socket = await openRawSocket(upstream);
    const first = await rawExchange(socket, rawGetRequest());
    const second = await rawExchange(socket, rawGetRequest());
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
