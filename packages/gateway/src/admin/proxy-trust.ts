/**
 * Which request headers describe the client, and which a client merely claims. Without
 * `trustProxy` only the connection counts: the runtime's peer address (Cloudflare's
 * `CF-Connecting-IP` on Workers), the `Host` the browser sent, and `KEYHIVE_PUBLIC_URL` when
 * pinned; `X-Forwarded-For`, `X-Forwarded-Host` and `X-Forwarded-Proto` are ignored. With it, they
 * are believed as far as the named proxies wrote them.
 */
import type { Context } from "hono";
import { type ClientAddress, detectClientAddress } from "../runtime/client-address.js";
import { formatIp, type IpRange, inRange, type ParsedIp, parseIp, parseRange } from "../util/ip.js";

/**
 * Proxies in front of the gateway: `false` (none: the connection's peer is the client), a number
 * of hops (that many proxies each append to `X-Forwarded-For`; use it only when the gateway cannot
 * be reached except through them), or the proxies' addresses and CIDR ranges (`loopback`,
 * `private` and `linklocal` name the usual ranges) — the safer form, since a request from any other
 * peer is then taken at face value.
 */
export type TrustProxy = false | number | readonly string[];

export interface ProxyTrustOptions {
  /** @default false */
  trustProxy?: TrustProxy;
  /** The runtime's peer address. @default detectClientAddress */
  clientAddress?: ClientAddress;
  /** The gateway's public URL (e.g. `https://keys.example.com`); pins the public page's base URL. */
  publicURL?: string;
}

const ALIASES: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

const HINT =
  "give the number of proxies in front of the gateway (e.g. 1) or their addresses and CIDR ranges " +
  "(e.g. 127.0.0.1,10.0.0.0/8; `loopback`, `private` and `linklocal` name the usual ranges)";

/**
 * Parses `KEYHIVE_TRUST_PROXY`: empty, `false`, `0`, `off` or `no` → off; a whole number → hops;
 * otherwise a comma- or space-separated list of addresses, ranges and aliases. `true` is refused:
 * it would believe any client's `X-Forwarded-For`.
 */
export function parseTrustProxy(value: string | undefined, name = "KEYHIVE_TRUST_PROXY"): TrustProxy {
  const text = (value ?? "").trim().toLowerCase();
  if (["", "false", "0", "off", "no"].includes(text)) return false;
  if (["true", "yes", "on", "*"].includes(text)) {
    throw new Error(`${name}=${value} is refused: it would believe any client's X-Forwarded-For; ${HINT}.`);
  }
  if (/^\d+$/.test(text)) return hops(Number(text), name);
  const list = text.split(/[\s,]+/).filter(Boolean);
  ranges(list, name); // throws on an entry that is no address, range or alias
  return list;
}

function hops(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 0 || n > 32) throw new Error(`${name} must be 0–32 proxies, got ${n}; ${HINT}.`);
  return n;
}

function ranges(list: readonly string[], name: string): IpRange[] {
  const out: IpRange[] = [];
  for (const entry of list) {
    for (const text of ALIASES[entry.toLowerCase()] ?? [entry]) {
      const range = parseRange(text);
      if (!range) throw new Error(`${name}: '${entry}' is neither an address nor a CIDR range; ${HINT}.`);
      out.push(range);
    }
  }
  return out;
}

/** Parses `KEYHIVE_PUBLIC_URL`: an absolute http(s) URL without query or fragment; returns it without a trailing slash. */
export function parsePublicURL(value: string | undefined, name = "KEYHIVE_PUBLIC_URL"): string | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`${name} must be an absolute URL such as https://keys.example.com, got '${value}'.`);
  }
  if ((url.protocol !== "https:" && url.protocol !== "http:") || url.search || url.hash || url.username) {
    throw new Error(`${name} must be an http(s) URL without credentials, query or fragment, got '${value}'.`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

const HOST = /^(?:[a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(?::\d{1,5})?$/i;
const firstValue = (header: string | undefined) => header?.split(",")[0]?.trim() || undefined;

export class ProxyTrust {
  private readonly hops: number;
  private readonly trusted: IpRange[];
  private readonly peer: ClientAddress;
  private readonly publicURL: URL | undefined;
  /** `publicURL` without a trailing slash. */
  readonly publicBase: string | undefined;

  constructor(options: ProxyTrustOptions = {}) {
    const trust = options.trustProxy ?? false;
    this.hops = typeof trust === "number" ? hops(trust, "trustProxy") : 0;
    this.trusted = Array.isArray(trust) ? ranges(trust, "trustProxy") : [];
    this.peer = options.clientAddress ?? detectClientAddress;
    this.publicBase = parsePublicURL(options.publicURL, "publicURL");
    this.publicURL = this.publicBase ? new URL(this.publicBase) : undefined;
  }

  /** Whether any proxy is trusted at all. */
  get enabled(): boolean {
    return this.hops > 0 || this.trusted.length > 0;
  }

  /**
   * The client's address in canonical form (IPv4-mapped IPv6 as IPv4), or undefined when the
   * runtime does not know it or a trusted proxy wrote something that is no address.
   */
  clientIp(c: Context): ParsedIp | undefined {
    const peerText = this.peer(c);
    const peer = peerText ? parseIp(peerText) : undefined;
    if (!peer || !this.enabled) return peer;
    // Several X-Forwarded-For headers arrive joined by ", ": one list, oldest hop first.
    const chain = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((hop) => hop.trim())
      .filter(Boolean);
    if (chain.length === 0) return peer;
    if (this.hops > 0) {
      // Each of the `hops` proxies appended the address it saw: the client is `hops` from the end.
      return parseIp(chain[Math.max(0, chain.length - this.hops)] as string);
    }
    if (!this.isTrusted(peer)) return peer;
    for (let i = chain.length - 1; i >= 0; i--) {
      const hop = parseIp(chain[i] as string);
      if (!hop) return undefined; // written by a proxy we trust, yet no address: unknown
      if (!this.isTrusted(hop) || i === 0) return hop;
    }
    return peer;
  }

  /** The client's address as text, or undefined. */
  clientAddress(c: Context): string | undefined {
    const ip = this.clientIp(c);
    return ip ? formatIp(ip) : undefined;
  }

  /** Whether the forwarding headers of this request were written by a trusted proxy. */
  forwardedTrusted(c: Context): boolean {
    if (this.hops > 0) return true;
    if (this.trusted.length === 0) return false;
    const peerText = this.peer(c);
    const peer = peerText ? parseIp(peerText) : undefined;
    return peer !== undefined && this.isTrusted(peer);
  }

  /** `X-Forwarded-Proto://X-Forwarded-Host` when a trusted proxy sent them. */
  forwardedOrigin(c: Context): string | undefined {
    if (!this.forwardedTrusted(c)) return undefined;
    const host = firstValue(c.req.header("x-forwarded-host"));
    const proto = firstValue(c.req.header("x-forwarded-proto"))?.toLowerCase();
    if (!host && !proto) return undefined;
    const url = new URL(c.req.url);
    const scheme = proto === "https" || proto === "http" ? proto : url.protocol.slice(0, -1);
    const authority = host && HOST.test(host) ? host.toLowerCase() : url.host;
    return `${scheme}://${authority}`;
  }

  /** Origins this gateway answers on, as a browser would name them (for the CSRF check). */
  ownOrigins(c: Context): string[] {
    const origins = [new URL(c.req.url).origin];
    if (this.publicURL) origins.push(this.publicURL.origin);
    const forwarded = this.forwardedOrigin(c);
    if (forwarded) origins.push(forwarded);
    return origins;
  }

  /** The deployment's base URL as clients should use it: the pinned one, else as this request saw it. */
  baseURL(c: Context): string {
    return this.publicBase ?? this.forwardedOrigin(c) ?? new URL(c.req.url).origin;
  }

  /** Whether the browser reached us over HTTPS (directly, through a trusted proxy, or at the pinned https URL). */
  isHttps(c: Context): boolean {
    const url = new URL(c.req.url);
    if (url.protocol === "https:") return true;
    if (this.forwardedOrigin(c)?.startsWith("https:")) return true;
    return this.publicURL?.protocol === "https:" && this.publicURL.host === url.host;
  }

  private isTrusted(ip: ParsedIp): boolean {
    return this.trusted.some((range) => inRange(ip, range));
  }
}
