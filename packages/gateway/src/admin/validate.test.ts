import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { GatewayError } from "../spec/errors.js";
import { queryBoolean, readJson, readQuery } from "./validate.js";

function app() {
  const app = new Hono();
  app.onError((error) => (error instanceof GatewayError ? error.toResponse() : new Response("boom", { status: 500 })));
  const body = z.strictObject({ a: z.object({ b: z.number() }), c: z.string().optional() });
  app.post("/json", async (c) => c.json(await readJson(c, body)));
  app.post("/optional", async (c) =>
    c.json(await readJson(c, z.object({ n: z.number().default(1) }), { optional: true })),
  );
  app.get("/query", (c) => c.json(readQuery(c, z.object({ flag: queryBoolean, n: z.coerce.number().int() }))));
  return app;
}

const error = async (res: Response) =>
  ((await res.json()) as { error: { param: string; code: string; message: string } }).error;

describe("request validation", () => {
  it("names the failing field path in param, including unknown fields", async () => {
    const a = app();
    const post = (body: string) => a.request("/json", { method: "POST", body });
    expect(await (await post('{"a":{"b":1}}')).json()).toEqual({ a: { b: 1 } });
    const nested = await post('{"a":{"b":"1"}}');
    expect(nested.status).toBe(400);
    expect(await error(nested)).toMatchObject({ param: "a.b", code: "invalid_request" });
    expect((await error(await post('{"a":{"b":1},"zzz":1}'))).param).toBe("zzz");
    expect((await error(await post("[]"))).param).toBe("body");
    expect((await error(await post("{bad"))).code).toBe("invalid_json");
    expect((await error(await post(""))).code).toBe("invalid_json");
  });

  it("accepts an empty body where every field is optional", async () => {
    expect(await (await app().request("/optional", { method: "POST" })).json()).toEqual({ n: 1 });
  });

  it("parses query flags strictly: the string 'false' is false, 'yes' is an error", async () => {
    const a = app();
    expect(await (await a.request("/query?flag=false&n=2")).json()).toEqual({ flag: false, n: 2 });
    expect(await (await a.request("/query?flag=true&n=2")).json()).toEqual({ flag: true, n: 2 });
    expect(await (await a.request("/query?n=2")).json()).toEqual({ flag: false, n: 2 });
    expect((await error(await a.request("/query?flag=yes&n=2"))).param).toBe("flag");
    expect((await error(await a.request("/query?n=x"))).param).toBe("n");
  });
});
