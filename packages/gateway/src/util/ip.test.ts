import { describe, expect, it } from "vitest";
import { clientBucket, inRange, normalizeIp, parseIp, parseRange } from "./ip.js";

describe("IP addresses", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    [" 192.0.2.1 ", "192.0.2.1"],
    ["192.0.2.1:5678", "192.0.2.1"],
    ["2001:DB8::1", "2001:db8::1"],
    ["2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"],
    ["[2001:db8::1]:443", "2001:db8::1"],
    ["[2001:db8::1]", "2001:db8::1"],
    ["fe80::1%eth0", "fe80::1"],
    ["::1", "::1"],
    ["::", "::"],
    ["::ffff:192.0.2.1", "192.0.2.1"], // IPv4-mapped: the same client as its IPv4 address
    ["::FFFF:7f00:1", "127.0.0.1"],
    ["[::ffff:127.0.0.1]:80", "127.0.0.1"],
    ["64:ff9b::192.0.2.1", "64:ff9b::c000:201"],
    ["2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"],
  ])("normalizes %j to %j", (input, expected) => {
    expect(normalizeIp(input)).toBe(expected);
  });

  it.each([
    "",
    "unknown",
    "256.1.1.1",
    "1.2.3",
    "01.2.3.4",
    "1.2.3.4.5",
    "1:2:3:4:5:6:7:8:9",
    "1::2::3",
    "12345::1",
    "g::1",
    "::ffff:300.1.1.1",
    "1.2.3.4:",
    "<script>",
    "a".repeat(100),
  ])("refuses %j", (input) => {
    expect(parseIp(input)).toBeUndefined();
  });

  it("matches CIDR ranges, IPv4-mapped included, never across families", () => {
    const range = (text: string) => parseRange(text) ?? expect.unreachable(text);
    const ip = (text: string) => parseIp(text) ?? expect.unreachable(text);
    expect(inRange(ip("10.1.2.3"), range("10.0.0.0/8"))).toBe(true);
    expect(inRange(ip("11.1.2.3"), range("10.0.0.0/8"))).toBe(false);
    expect(inRange(ip("::ffff:10.9.9.9"), range("10.0.0.0/8"))).toBe(true);
    expect(inRange(ip("172.31.255.255"), range("172.16.0.0/12"))).toBe(true);
    expect(inRange(ip("172.32.0.0"), range("172.16.0.0/12"))).toBe(false);
    expect(inRange(ip("2001:db8:1::5"), range("2001:db8::/32"))).toBe(true);
    expect(inRange(ip("2001:db9::5"), range("2001:db8::/32"))).toBe(false);
    expect(inRange(ip("10.0.0.1"), range("::/0"))).toBe(false);
    expect(inRange(ip("10.0.0.1"), range("0.0.0.0/0"))).toBe(true);
    expect(inRange(ip("127.0.0.1"), range("127.0.0.1"))).toBe(true);
    expect(inRange(ip("127.0.0.2"), range("127.0.0.1"))).toBe(false);
    expect(inRange(ip("10.2.3.4"), range("::ffff:10.0.0.0/104"))).toBe(true);
    for (const bad of ["10.0.0.0/33", "10.0.0.0/-1", "::/129", "10.0.0.0/8/1", "nope/8", "10.0.0.0/x"])
      expect(parseRange(bad), bad).toBeUndefined();
  });

  it("buckets an IPv6 client by its /64, an IPv4 client by its address", () => {
    const bucket = (text: string) => clientBucket(parseIp(text) ?? expect.unreachable(text));
    expect(bucket("2001:db8:1:2:aaaa::1")).toBe("2001:db8:1:2::/64");
    expect(bucket("2001:db8:1:2:ffff:ffff:ffff:ffff")).toBe("2001:db8:1:2::/64");
    expect(bucket("2001:db8:1:3::1")).toBe("2001:db8:1:3::/64");
    expect(bucket("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(bucket("192.0.2.7")).toBe("192.0.2.7");
  });
});
