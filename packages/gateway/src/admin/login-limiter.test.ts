import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { GatewayError } from "../spec/errors.js";
import { clientIp, LoginLimiter } from "./login-limiter.js";

describe("login limiter", () => {
  it("blocks an IP after 5 failures in a minute, per IP, until the window passes", () => {
    let now = 0;
    const limiter = new LoginLimiter({ now: () => now });
    for (let i = 0; i < 5; i++) {
      limiter.assertAllowed("1.1.1.1");
      limiter.fail("1.1.1.1");
      now += 1000;
    }
    let error: unknown;
    try {
      limiter.assertAllowed("1.1.1.1");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).status).toBe(429);
    expect((error as GatewayError).retryAfter).toBe(55);
    limiter.assertAllowed("2.2.2.2");
    now = 60_001;
    limiter.assertAllowed("1.1.1.1");
    limiter.fail("2.2.2.2");
    limiter.reset("2.2.2.2");
    limiter.assertAllowed("2.2.2.2");
  });

  it("reads the client IP from cf-connecting-ip, then x-forwarded-for, then the socket", async () => {
    const app = new Hono();
    app.get("/", (c) => c.text(clientIp(c)));
    const ip = (headers: Record<string, string>, env?: unknown) =>
      Promise.resolve(app.request("/", { headers }, env as never)).then((r) => r.text());
    expect(await ip({ "cf-connecting-ip": "9.9.9.9", "x-forwarded-for": "1.2.3.4" })).toBe("9.9.9.9");
    expect(await ip({ "x-forwarded-for": "1.2.3.4, 10.0.0.1" })).toBe("1.2.3.4");
    expect(await ip({}, { incoming: { socket: { remoteAddress: "127.0.0.7" } } })).toBe("127.0.0.7");
    expect(await ip({})).toBe("unknown");
  });
});
