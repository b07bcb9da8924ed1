// The baseline: a bare Hono pass-through to the same upstream with the global fetch, no pool.
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const upstream = process.env.UPSTREAM_BASE_URL;
const app = new Hono();
app.all("/v1/*", async (c) => {
  const headers = new Headers(c.req.raw.headers);
  headers.set("authorization", "Bearer sk-bench-direct");
  headers.delete("host");
  return fetch(`${upstream}${c.req.path.slice(3)}`, {
    method: c.req.method,
    headers,
    body: c.req.raw.body,
    duplex: "half",
  });
});
const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) =>
  process.send?.({ url: `http://127.0.0.1:${info.port}` }),
);
process.on("disconnect", () => server.close());
