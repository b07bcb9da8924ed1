import { describe, expect, it } from "vitest";
import { boolean, httpURL, integer, list, secret, storageURI, text, trustProxy } from "./types.js";

const doc = { name: "KEYHIVE_X", description: "x" };

describe("integer", () => {
  const port = integer({ ...doc, name: "PORT", default: 8787, min: 0, max: 65535 });
  it("takes digits in range, trimmed", () => {
    expect(port.parse("0")).toBe(0);
    expect(port.parse(" 65535 ")).toBe(65535);
    expect(port.fallback).toBe(8787);
    expect(port.type).toBe("integer 0–65535");
  });
  it.each(["http", "1e3", "0x10", "-1", "1.5", "65536", "99999999999999999999"])("refuses '%s'", (value) => {
    expect(() => port.parse(value)).toThrow(`PORT must be an integer from 0 to 65535, got '${value}'.`);
  });
  it("a zero meaning 'off' is allowed below the minimum, nothing else is", () => {
    const recheck = integer({ ...doc, default: 60_000, min: 100, max: 1000, zero: "off" });
    expect(recheck.parse("0")).toBe(0);
    expect(recheck.parse("100")).toBe(100);
    expect(() => recheck.parse("99")).toThrow("KEYHIVE_X must be 0 (off) or an integer from 100 to 1000, got '99'.");
    expect(recheck.type).toBe("integer: 0, or 100–1000");
  });
});

describe("boolean", () => {
  const flag = boolean({ ...doc, default: false });
  it("takes true, false, 1 and 0 in any case", () => {
    expect([flag.parse("true"), flag.parse("TRUE"), flag.parse("1"), flag.parse(" 1 ")]).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect([flag.parse("false"), flag.parse("False"), flag.parse("0")]).toEqual([false, false, false]);
    expect(flag.fallback).toBe(false);
  });
  it.each(["yes", "on", "2", "t"])("refuses '%s'", (value) => {
    expect(() => flag.parse(value)).toThrow(`KEYHIVE_X must be true, false, 1 or 0, got '${value}'.`);
  });
});

describe("list", () => {
  it("splits on commas, trims, drops empty entries", () => {
    expect(list(doc).parse(" a, b ,,c,")).toEqual(["a", "b", "c"]);
    expect(list(doc).fallback).toEqual([]);
  });
  it("refuses a repeated entry, naming it", () => {
    expect(() => list(doc).parse("a,b, a")).toThrow("KEYHIVE_X lists 'a' twice (entries 1 and 3).");
  });
  it("a secret list names the positions, never the value", () => {
    const parse = () => list({ ...doc, secret: true }).parse("kh-1,kh-secret,kh-secret");
    expect(parse).toThrow("KEYHIVE_X lists the same value twice (entries 2 and 3).");
    expect(parse).not.toThrow(/kh-secret/);
  });
});

describe("secret and text", () => {
  it("a secret is taken as given (its spaces may be meant) and runs its policy", () => {
    expect(secret(doc).parse(" pass word ")).toBe(" pass word ");
    const checked = secret({
      ...doc,
      check: (v) => {
        if (v.length < 3) throw new Error("too short");
      },
    });
    expect(() => checked.parse("ab")).toThrow("too short");
    expect(checked.fallback).toBeUndefined();
  });
  it("text is trimmed and has its default", () => {
    const host = text({ ...doc, default: "127.0.0.1" });
    expect(host.parse(" 0.0.0.0 ")).toBe("0.0.0.0");
    expect(host.fallback).toBe("127.0.0.1");
  });
});

describe("URLs, proxies and storage URIs", () => {
  it("an http(s) URL is absolute", () => {
    const url = httpURL(doc);
    expect(url.parse(" http://127.0.0.1:9/v1 ")).toBe("http://127.0.0.1:9/v1");
    for (const bad of ["relay.example.com", "ftp://relay.example.com", "/v1"]) {
      expect(() => url.parse(bad)).toThrow(
        `KEYHIVE_X must be an absolute http(s) URL such as https://relay.example.com/v1, got '${bad}'.`,
      );
    }
  });
  it("a trust-proxy value is parsed by parseTrustProxy under the variable's name", () => {
    const trust = trustProxy({ ...doc, name: "KEYHIVE_TRUST_PROXY" });
    expect(trust.parse("1")).toBe(1);
    expect(trust.parse("loopback, 10.0.0.0/8")).toEqual(["loopback", "10.0.0.0/8"]);
    expect(() => trust.parse("true")).toThrow("KEYHIVE_TRUST_PROXY=true is refused");
    expect(trust.fallback).toBe(false);
  });
  it("a storage URI is one of the schemes allowed; a refused one never shows its password", () => {
    const storage = storageURI({ ...doc, schemes: ["fs", "redis", "memory"] });
    for (const ok of ["fs:./data", "redis://127.0.0.1:6379/0", "rediss://u:p@h:6380", "memory:"]) {
      expect(storage.parse(ok)).toBe(ok);
    }
    expect(() => storage.parse("mysql://x")).toThrow(
      "Unknown storage 'mysql://x' in KEYHIVE_X: use fs:<dir>, redis://host:port/db or memory:.",
    );
    const redisOnly = storageURI({ ...doc, schemes: ["redis"], default: "redis://127.0.0.1:6379/0" });
    expect(() => redisOnly.parse("fs://user:hunter2@x")).toThrow(
      "Unknown storage 'fs://***@x' in KEYHIVE_X: use redis://host:port/db.",
    );
    expect(redisOnly.fallback).toBe("redis://127.0.0.1:6379/0");
  });
});
