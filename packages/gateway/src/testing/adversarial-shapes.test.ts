/** The adversarial upstream's answer builders: SSE in its legal variants, CDN error pages, rate limits. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AdversarialUpstream, startAdversarialUpstream, wire } from "./adversarial-upstream.js";
import { rawGet } from "./raw-client.js";
import { parseSse } from "./read-sse.js";

/** The `data` of every event, as a client parses them. */
const sseData = (text: string) => parseSse(text).map((event) => event.data);

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

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
    expect(JSON.parse(seconds.response?.body.toString() ?? "")).toEqual({
      error: { message: "Rate limit reached.", type: "rate_limited" },
    });
    const date = await rawGet(upstream, wire.rateLimited({ retryAfter: "date", seconds: 30 }));
    const retryAt = Date.parse(date.response?.headers["retry-after"] ?? "");
    expect(date.response?.headers["retry-after"]).toMatch(/GMT$/);
    expect(retryAt - Date.now()).toBeGreaterThan(28_000);
    expect(retryAt - Date.now()).toBeLessThanOrEqual(30_000);
  });

  it("rateLimited takes a vendor's body and extra headers, but retry-after stays its own", async () => {
    const answer = wire.rateLimited({
      retryAfter: "seconds",
      seconds: 3,
      body: { message: "slow down" },
      headers: { "x-reset": "3s", "retry-after": "999" },
    });
    const { response } = await rawGet(upstream, answer);
    expect(response?.headers).toMatchObject({ "retry-after": "3", "x-reset": "3s" });
    expect(JSON.parse(response?.body.toString() ?? "")).toEqual({ message: "slow down" });
  });
});
