/**
 * createNodeFetch against wire shapes real upstreams produce: bodies cancelled unread (the
 * once-fatal case), compression the gateway never asked for, a server that drops a keep-alive
 * socket just as it is reused. An unhandled `error` event here fails the whole test run.
 */
import { spawnSync } from "node:child_process";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo, Socket } from "node:net";
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferedBodyOf } from "./buffered-body.js";
import { responseChunks } from "./chunk-source.js";
import { createNodeFetch } from "./node-fetch.js";

const PAYLOAD = JSON.stringify({ object: "list", data: [{ id: "gpt-4o-mini", object: "model" }] });
const encoders: Record<string, (b: Buffer) => Buffer> = {
  gzip: gzipSync,
  br: brotliCompressSync,
  deflate: deflateSync,
  "deflate-raw": deflateRawSync,
};

let server: Server;
let base = "";
const requestsOnSocket = new WeakMap<Socket, number>();

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://x");
  const count = (requestsOnSocket.get(req.socket) ?? 0) + 1;
  requestsOnSocket.set(req.socket, count);
  if (url.searchParams.has("stale") && count > 1) {
    // The server closed this idle socket just as the client reused it.
    req.socket.destroy();
    return;
  }
  const encoding = url.searchParams.get("encoding");
  const big = url.searchParams.has("big");
  const raw = Buffer.from(big ? PAYLOAD.repeat(4000) : PAYLOAD);
  let body = encoding ? (encoders[encoding] as (b: Buffer) => Buffer)(raw) : raw;
  if (url.searchParams.has("truncate")) body = body.subarray(0, Math.floor(body.length / 2));
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (encoding) headers["content-encoding"] = encoding === "deflate-raw" ? "deflate" : encoding;
  if (url.searchParams.get("encoding-header"))
    headers["content-encoding"] = url.searchParams.get("encoding-header") as string;
  if (url.searchParams.get("framing") === "length") headers["content-length"] = String(body.length);
  res.writeHead(200, headers);
  // Chunked (no content-length): written in two pieces; "open" leaves the body unfinished a while.
  res.write(body.subarray(0, 10));
  if (url.searchParams.has("open")) setTimeout(() => res.end(body.subarray(10)), 300);
  else res.end(body.subarray(10));
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("createNodeFetch on an unfriendly wire", () => {
  const nodeFetch = createNodeFetch();

  it("reproduces the original crash: an unread undici body destroyed with no error listener ends the process", () => {
    // Exactly what the old cancel did (`body.destroy()`), on a chunked /models answer that has
    // fully arrived but was never read — the re-check timer's case. Run in a child: it dies.
    const undici = createRequire(import.meta.url).resolve("undici");
    const script = `
      import { createServer } from "node:http";
      import { request } from ${JSON.stringify(undici)};
      const server = createServer((req, res) => { res.writeHead(200, { "content-type": "application/json" }); res.write("{"); res.end("}"); });
      server.listen(0, "127.0.0.1", async () => {
        const { body } = await request("http://127.0.0.1:" + server.address().port + "/v1/models");
        await new Promise((r) => setTimeout(r, 20));
        body.destroy();
        setTimeout(() => { console.log("ALIVE"); process.exit(0); }, 300);
      });`;
    const child = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      encoding: "utf8",
      timeout: 10_000,
    });
    expect(child.status).not.toBe(0);
    expect(child.stdout).not.toContain("ALIVE");
    expect(child.stderr).toContain("UND_ERR_ABORTED");
  });

  it("cancelling an unread body is safe for every framing, before and after it arrived", async () => {
    for (const query of ["framing=length", "", "open", "big", "big&open", "encoding=gzip", "encoding=gzip&big"]) {
      const response = await nodeFetch(`${base}/v1/models?${query}`);
      await new Promise((r) => setTimeout(r, 20)); // let the whole body land unread
      await response.body?.cancel();
      const native = await nodeFetch(`${base}/v1/models?${query}`);
      await (responseChunks(native) as { cancel(): Promise<void> }).cancel?.();
    }
    await new Promise((r) => setTimeout(r, 100)); // an unhandled 'error' event would surface here
    const after = await nodeFetch(`${base}/v1/models`);
    expect(await after.json()).toEqual(JSON.parse(PAYLOAD));
  });

  it("decodes gzip, br and deflate (zlib and raw) it never asked for, small and streamed", async () => {
    for (const encoding of Object.keys(encoders)) {
      for (const extra of ["&framing=length", "", "&big"]) {
        const response = await nodeFetch(`${base}/v1/models?encoding=${encoding}${extra}`);
        expect(response.headers.get("content-encoding"), encoding).toBeNull();
        expect(response.headers.get("content-length")).toBeNull();
        const text = await response.text();
        expect(text, `${encoding}${extra}`).toBe(extra === "&big" ? PAYLOAD.repeat(4000) : PAYLOAD);
      }
    }
    // The small complete body still rides along, decoded.
    const small = await nodeFetch(`${base}/v1/models?encoding=gzip&framing=length`);
    expect(new TextDecoder().decode(bufferedBodyOf(small))).toBe(PAYLOAD);
  });

  it("fails clearly on an encoding it cannot decode, and on a truncated compressed body", async () => {
    await expect(nodeFetch(`${base}/v1/models?encoding-header=zstd&framing=length`)).rejects.toThrow(
      /unsupported content-encoding 'zstd'/,
    );
    await expect(nodeFetch(`${base}/v1/models?encoding=gzip&framing=length&truncate`)).rejects.toThrow();
    const streamed = await nodeFetch(`${base}/v1/models?encoding=gzip&big&truncate`);
    await expect(streamed.text()).rejects.toThrow();
  });

  it("re-sends once, transparently, when a reused keep-alive socket turns out closed", async () => {
    const fetchOne = createNodeFetch({ connections: 1 });
    for (let i = 0; i < 5; i++) {
      const response = await fetchOne(`${base}/v1/models?stale&framing=length`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual(JSON.parse(PAYLOAD));
    }
  });
});
