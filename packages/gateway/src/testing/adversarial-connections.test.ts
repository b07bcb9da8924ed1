/** The adversarial upstream's request parsing and connection handling: bodies, keys, half-close, idle sockets. */
import { Agent, request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type AdversarialUpstream, startAdversarialUpstream, wire } from "./adversarial-upstream.js";
import { openRawSocket, rawExchange, rawGetRequest, waitFor } from "./raw-client.js";

let upstream: AdversarialUpstream;
beforeAll(async () => {
  upstream = await startAdversarialUpstream();
});
afterAll(() => upstream.close());
afterEach(() => upstream.reset());

describe("requests", () => {
  it("parses content-length and chunked request bodies, keys from all four places, and JSON", async () => {
    upstream.setRoute(() => wire.json({}));
    const socket = await openRawSocket(upstream);
    const json = '{"model":"m","stream":true}';
    await rawExchange(
      socket,
      `POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nAuthorization: Bearer sk-a\r\ncontent-type: application/json\r\ncontent-length: ${json.length}\r\n\r\n${json}`,
    );
    await rawExchange(
      socket,
      `POST /v1/messages HTTP/1.1\r\nhost: x\r\nx-api-key: sk-b\r\ntransfer-encoding: chunked\r\n\r\n5\r\n{"a":\r\n2;ext=1\r\n1}\r\n0\r\ntrailer: t\r\n\r\n`,
    );
    await rawExchange(socket, rawGetRequest("/v1beta/models", "x-vendor-api-key: vk-c\r\n"));
    await rawExchange(socket, `\r\n${rawGetRequest("/v1beta/models?key=AIza-d&pageSize=5")}`);
    socket.destroy();
    const [a, b, c, d] = upstream.requests;
    expect(a).toMatchObject({ method: "POST", path: "/v1/chat/completions", key: "sk-a", json: { model: "m" } });
    expect(a?.headers["content-type"]).toBe("application/json");
    expect(b).toMatchObject({ key: "sk-b", json: { a: 1 }, socketRequestIndex: 1 });
    expect(b?.body.toString()).toBe('{"a":1}');
    expect(c).toMatchObject({ method: "GET", key: "vk-c", json: undefined, socketRequestIndex: 2 });
    expect(d).toMatchObject({ path: "/v1beta/models?key=AIza-d&pageSize=5", key: "AIza-d", socketRequestIndex: 3 });
  });

  it("answers malformed requests with 400 and failing routes with 500", async () => {
    const socket = await openRawSocket(upstream);
    const bad = await rawExchange(socket, "NONSENSE\r\n\r\n");
    expect(bad.response?.status).toBe(400);
    expect(bad.ended).toBe(true);
    upstream.setRoute(() => {
      throw new Error("route broke");
    });
    const next = await openRawSocket(upstream);
    const broken = await rawExchange(next, rawGetRequest());
    next.destroy();
    expect(broken.response?.status).toBe(500);
    expect(broken.response?.body.toString()).toContain("route broke");
  });

  it("answers 404 naming the request while no route is set", async () => {
    const bare = await startAdversarialUpstream();
    try {
      const socket = await openRawSocket(bare);
      const result = await rawExchange(socket, rawGetRequest("/v1/anything?x=1"));
      socket.destroy();
      expect(result.response?.status).toBe(404);
      expect(JSON.parse(result.response?.body.toString() ?? "").error.message).toBe(
        "No route for GET /v1/anything?x=1",
      );
    } finally {
      await bare.close();
    }
  });
});

describe("connections", () => {
  it("a client that half-closes after its request still gets the answer, then a FIN", async () => {
    upstream.setRoute(() => wire.json({ ok: true }));
    const socket = await openRawSocket(upstream);
    const result = await rawExchange(socket, rawGetRequest(), { halfClose: true });
    expect(result.response?.body.toString()).toBe('{"ok":true}');
    expect(await waitFor(() => socket.destroyed || socket.readableEnded)).toBe(true);
    socket.destroy();
  });

  it("idleSocketTimeoutMs closes idle sockets; a request sent after that FIN crashes nothing", async () => {
    const idle = await startAdversarialUpstream({ idleSocketTimeoutMs: 100, route: () => wire.json({ ok: true }) });
    try {
      const socket = await openRawSocket(idle, true);
      expect((await rawExchange(socket, rawGetRequest())).response?.status).toBe(200);
      const start = Date.now();
      await new Promise((resolve) => socket.once("end", resolve));
      expect(Date.now() - start).toBeGreaterThanOrEqual(80);
      // Our side is still writable: the request goes out to a socket the server has closed, whose
      // kernel answers with an RST; the client only notices at its next write.
      const errors: string[] = [];
      socket.on("error", (error: NodeJS.ErrnoException) => errors.push(String(error.code)));
      socket.write(rawGetRequest());
      await new Promise((resolve) => setTimeout(resolve, 50));
      socket.write(rawGetRequest());
      expect(await waitFor(() => socket.destroyed)).toBe(true);
      expect(errors[0]).toMatch(/EPIPE|ECONNRESET/);
      expect(idle.requests).toHaveLength(1);
      socket.destroy();
      expect(await waitFor(() => idle.openConnections() === 0)).toBe(true);
      const fresh = await openRawSocket(idle);
      expect((await rawExchange(fresh, rawGetRequest())).response?.status).toBe(200);
      fresh.destroy();
    } finally {
      await idle.close();
    }
  });

  it("openConnections() counts open sockets and drops to 0 once clients close", async () => {
    upstream.setRoute(() => wire.json({ ok: true }));
    const sockets = await Promise.all([openRawSocket(upstream), openRawSocket(upstream), openRawSocket(upstream)]);
    expect(await waitFor(() => upstream.openConnections() === 3)).toBe(true);
    const pool = new Agent();
    await (await request(upstream.url, { dispatcher: pool })).body.text();
    expect(upstream.openConnections()).toBe(4);
    for (const socket of sockets) socket.end();
    await pool.close();
    expect(await waitFor(() => upstream.openConnections() === 0)).toBe(true);
  });
});
