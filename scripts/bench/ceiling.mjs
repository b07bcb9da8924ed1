// The Node ceiling of `npm run bench:ceiling`: a plain node:http server and undici `Pool.request`
// to the upstream, the answer's body piped, the upstream key rotated over 20 per request. No framework.
import { createServer } from "node:http";
import { pipeline } from "node:stream";
import { Pool } from "undici";

const base = new URL(process.env.UPSTREAM_BASE_URL); // e.g. http://127.0.0.1:1234/v1
const pool = new Pool(base.origin, { connections: 128, keepAliveTimeout: 30_000 });
const prefix = base.pathname.replace(/\/$/, "");
const keys = Array.from({ length: 20 }, (_, i) => `Bearer sk-bench-${i}`);
const HOP = new Set(["connection", "keep-alive", "transfer-encoding"]);
let next = 0;

async function proxy(req, res, body) {
  try {
    const headers = { "content-type": req.headers["content-type"], authorization: keys[next++ % keys.length] };
    const up = await pool.request({ method: req.method, path: prefix + req.url.slice(3), headers, body });
    for (const name of Object.keys(up.headers)) if (!HOP.has(name)) res.setHeader(name, up.headers[name]);
    res.writeHead(up.statusCode);
    pipeline(up.body, res, () => {});
  } catch {
    if (!res.headersSent) res.writeHead(502);
    res.end();
  }
}

// The request body is read whole (a chat request is small; the gateway reads it too) and sent
// with its length: streaming it into undici costs about 15% of the ceiling's req/s.
const server = createServer((req, res) => {
  if (req.headers.authorization !== "Bearer kh-bench-token" || !req.url.startsWith("/v1/")) {
    res.writeHead(401).end();
    return void req.resume();
  }
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => proxy(req, res, chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
});
server.keepAliveTimeout = 75_000;
server.listen(0, "127.0.0.1", () => process.send?.({ url: `http://127.0.0.1:${server.address().port}` }));
process.on("disconnect", () => server.close(() => pool.close()));
