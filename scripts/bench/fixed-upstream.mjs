// The ceiling bench's fallback upstream when nginx is not installed: two tight node:http servers
// answering fixed buffers (JSON, and the 22-event SSE stream) to any request, keep-alive on.
import { createServer } from "node:http";
import { JSON_BODY, SSE_BODY } from "./fixed-bodies.mjs";

function fixed(body, type) {
  const buffer = Buffer.from(body);
  const headers = { "content-type": type, "content-length": String(buffer.length) };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      res.writeHead(200, headers);
      res.end(buffer);
    });
  });
  server.keepAliveTimeout = 75_000;
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${server.address().port}` })),
  );
}

const json = await fixed(JSON_BODY, "application/json");
const stream = await fixed(SSE_BODY, "text/event-stream");
process.send?.({ json: json.url, stream: stream.url });
process.on("disconnect", () => {
  json.server.close();
  stream.server.close();
});
