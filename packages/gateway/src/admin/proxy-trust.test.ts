import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { ProxyTrust, parsePublicURL, parseTrustProxy, type TrustProxy } from "./proxy-trust.js";

/** What a ProxyTrust makes of a request from `peer` with `headers`. */
async function seen(
  trustProxy: TrustProxy,
  peer: string | undefined,
  headers: HeadersInit = {},
  url = "http://gw.local/x",
  publicURL?: string,
) {
  const trust = new ProxyTrust({ trustProxy, clientAddress: () => peer, publicURL });
  const app = new Hono();
  app.get("*", (c) =>
    c.json({
      address: trust.clientAddress(c) ?? null,
      origins: trust.ownOrigins(c),
      baseURL: trust.baseURL(c),
      https: trust.isHttps(c),
    }),
  );
  const res = await app.request(url, { headers });
  return (await res.json()) as { address: string | null; origins: string[]; baseURL: string; https: boolean };
}

describe("trustProxy off (the default)", () => {
  it("the connection's peer is the client: X-Forwarded-For, -Host and -Proto are ignored, however written", async () => {
    const spoof = {
      "X-Forwarded-For": "127.0.0.1",
      "x-FORWARDED-host": "evil.example",
      "X-Forwarded-Proto": "https",
    };
    const view = await seen(false, "203.0.113.7", spoof);
    expect(view.address).toBe("203.0.113.7");
    expect(view.origins).toEqual(["http://gw.local"]);
    expect(view.baseURL).toBe("http://gw.local");
    expect(view.https).toBe(false);
    // Node's dual-stack sockets report IPv4 clients as ::ffff:a.b.c.d.
    expect((await seen(false, "::ffff:203.0.113.7")).address).toBe("203.0.113.7");
    expect((await seen(false, "2001:DB8::7")).address).toBe("2001:db8::7");
    expect((await seen(false, undefined, spoof)).address).toBeNull(); // unknown: the shared bucket
    expect((await seen(false, "garbage")).address).toBeNull();
  });

  it("a pinned public URL is the base URL and one of our origins; its https makes cookies Secure on its host", async () => {
    const view = await seen(
      false,
      "203.0.113.7",
      { "x-forwarded-host": "evil.example" },
      "http://keys.example.com/x",
      "https://keys.example.com/",
    );
    expect(view.baseURL).toBe("https://keys.example.com");
    expect(view.origins).toEqual(["http://keys.example.com", "https://keys.example.com"]);
    expect(view.https).toBe(true);
    const evilHost = await seen(false, "203.0.113.7", {}, "http://evil.example/x", "https://keys.example.com");
    expect(evilHost.baseURL).toBe("https://keys.example.com"); // Host is not reflected
    expect(evilHost.https).toBe(false);
    expect((await seen(false, "1.1.1.1", {}, "http://gw.local/x", "https://gw.example/keyhive/")).baseURL).toBe(
      "https://gw.example/keyhive",
    );
  });
});

describe("trustProxy as hops", () => {
  it("takes the address the nearest proxy appended, whatever the client wrote before it", async () => {
    expect((await seen(1, "127.0.0.1", { "x-forwarded-for": "198.51.100.9" })).address).toBe("198.51.100.9");
    expect((await seen(1, "127.0.0.1", { "x-forwarded-for": "127.0.0.1, 6.6.6.6, 198.51.100.9" })).address).toBe(
      "198.51.100.9",
    );
    // Two proxies: the outer one appended the client, the inner one the outer proxy.
    expect((await seen(2, "10.0.0.2", { "x-forwarded-for": "spoof, 198.51.100.9, 10.0.0.1" })).address).toBe(
      "198.51.100.9",
    );
    // Several X-Forwarded-For headers are one list.
    const headers = new Headers();
    headers.append("X-Forwarded-For", "6.6.6.6");
    headers.append("x-forwarded-for", "198.51.100.10");
    expect((await seen(1, "127.0.0.1", headers)).address).toBe("198.51.100.10");
    expect((await seen(1, "127.0.0.1", { "x-forwarded-for": "[2001:db8::5]:1234" })).address).toBe("2001:db8::5");
    expect((await seen(1, "127.0.0.1", { "x-forwarded-for": "::ffff:198.51.100.9" })).address).toBe("198.51.100.9");
    expect((await seen(1, "127.0.0.1", {})).address).toBe("127.0.0.1"); // reached directly
    expect((await seen(1, "127.0.0.1", { "x-forwarded-for": "not-an-ip" })).address).toBeNull();
  });

  it("believes X-Forwarded-Host and -Proto (first value) for origins, base URL and Secure", async () => {
    const view = await seen(1, "127.0.0.1", {
      "x-forwarded-host": "Keys.Example.com, inner.local",
      "x-forwarded-proto": "https,http",
    });
    expect(view.origins).toEqual(["http://gw.local", "https://keys.example.com"]);
    expect(view.baseURL).toBe("https://keys.example.com");
    expect(view.https).toBe(true);
    // A host header that is no host is not used.
    const bad = await seen(1, "127.0.0.1", { "x-forwarded-host": "evil.example/path?x", "x-forwarded-proto": "https" });
    expect(bad.baseURL).toBe("https://gw.local");
  });
});

describe("trustProxy as addresses", () => {
  it("believes forwarding headers only from a listed peer, walking X-Forwarded-For past trusted hops", async () => {
    const trusted = ["127.0.0.1", "10.0.0.0/8"];
    const fromProxy = await seen(trusted, "127.0.0.1", {
      "x-forwarded-for": "6.6.6.6, 198.51.100.9, 10.1.1.1",
      "x-forwarded-host": "keys.example.com",
    });
    expect(fromProxy.address).toBe("198.51.100.9");
    expect(fromProxy.origins).toContain("http://keys.example.com");
    const direct = await seen(trusted, "203.0.113.5", {
      "x-forwarded-for": "198.51.100.9",
      "x-forwarded-host": "evil.example",
    });
    expect(direct.address).toBe("203.0.113.5");
    expect(direct.origins).toEqual(["http://gw.local"]);
    expect((await seen(["loopback"], "::1", { "x-forwarded-for": "2001:db8::1" })).address).toBe("2001:db8::1");
    expect((await seen(["loopback"], "::ffff:127.0.0.1", { "x-forwarded-for": "198.51.100.1" })).address).toBe(
      "198.51.100.1",
    );
    expect((await seen(["private"], "10.0.0.1", { "x-forwarded-for": "192.168.1.1, 10.0.0.7" })).address).toBe(
      "192.168.1.1",
    );
    expect((await seen(trusted, "127.0.0.1", { "x-forwarded-for": "junk, 10.0.0.9" })).address).toBeNull();
  });
});

describe("configuration", () => {
  it("parses KEYHIVE_TRUST_PROXY strictly and refuses 'true'", () => {
    expect(parseTrustProxy(undefined)).toBe(false);
    expect(parseTrustProxy("")).toBe(false);
    expect(parseTrustProxy("false")).toBe(false);
    expect(parseTrustProxy("0")).toBe(false);
    expect(parseTrustProxy("1")).toBe(1);
    expect(parseTrustProxy(" 2 ")).toBe(2);
    expect(parseTrustProxy("127.0.0.1, 10.0.0.0/8 ::1")).toEqual(["127.0.0.1", "10.0.0.0/8", "::1"]);
    expect(parseTrustProxy("Loopback,private")).toEqual(["loopback", "private"]);
    expect(() => parseTrustProxy("true")).toThrow(
      /KEYHIVE_TRUST_PROXY=true is refused: it would believe any client's X-Forwarded-For/,
    );
    expect(() => parseTrustProxy("33")).toThrow(/0–32 proxies/);
    expect(() => parseTrustProxy("10.0.0.0/33")).toThrow(/'10\.0\.0\.0\/33' is neither an address nor a CIDR range/);
    expect(() => parseTrustProxy("proxy.local")).toThrow(/'proxy\.local'/);
    expect(() => new ProxyTrust({ trustProxy: ["nope"] })).toThrow(/trustProxy: 'nope'/);
    expect(() => new ProxyTrust({ trustProxy: 1.5 })).toThrow(/trustProxy must be 0–32 proxies/);
  });

  it("parses KEYHIVE_PUBLIC_URL strictly", () => {
    expect(parsePublicURL(undefined)).toBeUndefined();
    expect(parsePublicURL(" ")).toBeUndefined();
    expect(parsePublicURL("https://Keys.Example.com/")).toBe("https://keys.example.com");
    expect(parsePublicURL("http://10.0.0.1:8787/gw/")).toBe("http://10.0.0.1:8787/gw");
    expect(() => parsePublicURL("keys.example.com")).toThrow(/KEYHIVE_PUBLIC_URL must be an absolute URL/);
    expect(() => parsePublicURL("ftp://keys.example.com")).toThrow(/http\(s\) URL/);
    expect(() => parsePublicURL("https://keys.example.com/?a=1")).toThrow(/without credentials, query or fragment/);
    expect(() => parsePublicURL("https://u:p@keys.example.com")).toThrow(/without credentials/);
  });
});
