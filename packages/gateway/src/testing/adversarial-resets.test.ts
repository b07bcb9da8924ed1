/** The adversarial upstream's resets: before headers, after headers, mid body, and on reused sockets. */
import { Agent, Client, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AdversarialUpstream, startAdversarialUpstream, type WireAnswer, wire } from "./adversarial-upstream.js";
import { openRawSocket, rawExchange, rawGet, rawGetRequest } from "./raw-client.js";

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

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
      const socket = await openRawSocket(stale);
      const first = await rawExchange(socket, rawGetRequest());
      const second = await rawExchange(socket, rawGetRequest());
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
