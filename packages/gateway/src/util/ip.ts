/**
 * IP addresses as the login throttle and proxy trust need them: parsed strictly (IPv4, IPv6,
 * IPv4-mapped IPv6, with or without a port, brackets or zone), compared by CIDR range, and
 * folded into one canonical text per client. No Node built-ins: this runs on Workers too.
 */

export interface ParsedIp {
  version: 4 | 6;
  /** 4 or 16 bytes, network order. */
  bytes: Uint8Array;
}

function parseV4(text: string): Uint8Array | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] as string;
    // Decimal only, no leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9]\d{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    bytes[i] = n;
  }
  return bytes;
}

function parseV6(input: string): Uint8Array | undefined {
  let text = input;
  // An embedded IPv4 suffix (`::ffff:192.0.2.1`) stands for the last two groups.
  const lastColon = text.lastIndexOf(":");
  if (text.slice(lastColon + 1).includes(".")) {
    const v4 = parseV4(text.slice(lastColon + 1));
    if (!v4) return undefined;
    const hex = (hi: number, lo: number) => ((hi << 8) | lo).toString(16);
    text = `${text.slice(0, lastColon + 1)}${hex(v4[0] as number, v4[1] as number)}:${hex(v4[2] as number, v4[3] as number)}`;
  }
  const halves = text.split("::");
  if (halves.length > 2) return undefined;
  const groupsOf = (part: string | undefined) => (part ? part.split(":") : []);
  const left = groupsOf(halves[0]);
  const right = groupsOf(halves[1]);
  const zeros = 8 - left.length - right.length;
  // Without `::` there must be exactly 8 groups; `::` stands for at least one zero group.
  if (halves.length === 1 ? zeros !== 0 : zeros < 1) return undefined;
  const groups = [...left, ...Array<string>(halves.length === 2 ? zeros : 0).fill("0"), ...right];
  const bytes = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    const group = groups[i] as string;
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    const n = Number.parseInt(group, 16);
    bytes[i * 2] = n >> 8;
    bytes[i * 2 + 1] = n & 0xff;
  }
  return bytes;
}

/**
 * Parses an address as proxies and runtimes write it: `192.0.2.1`, `192.0.2.1:5678`, `2001:db8::1`,
 * `[2001:db8::1]:443`, `fe80::1%eth0`, `::ffff:192.0.2.1` (returned as the IPv4 address it maps).
 */
export function parseIp(input: string): ParsedIp | undefined {
  let text = input.trim();
  if (!text || text.length > 64) return undefined;
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed) text = bracketed[1] as string;
  else if (/^[\d.]+:\d{1,5}$/.test(text)) text = text.slice(0, text.indexOf(":"));
  const zone = text.indexOf("%");
  if (zone > 0) text = text.slice(0, zone);
  const v4 = parseV4(text);
  if (v4) return { version: 4, bytes: v4 };
  if (!text.includes(":")) return undefined;
  const v6 = parseV6(text);
  if (!v6) return undefined;
  // ::ffff:a.b.c.d is an IPv4 client on a dual-stack socket: the same client as a.b.c.d.
  if (v6.slice(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff) {
    return { version: 4, bytes: v6.slice(12) };
  }
  return { version: 6, bytes: v6 };
}

/** Canonical text: dotted IPv4, or lowercase IPv6 with the longest zero run compressed (RFC 5952). */
export function formatIp(ip: ParsedIp): string {
  if (ip.version === 4) return [...ip.bytes].join(".");
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((ip.bytes[i] as number) << 8) | (ip.bytes[i + 1] as number));
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { at: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(":");
  return `${hex.slice(0, best.at).join(":")}::${hex.slice(best.at + best.len).join(":")}`;
}

/** The canonical form of an address, or undefined when it is none. */
export function normalizeIp(input: string): string | undefined {
  const ip = parseIp(input);
  return ip ? formatIp(ip) : undefined;
}

/** Whether `ip` lies in `range` (same family, first `prefix` bits equal). */
export function inRange(ip: ParsedIp, range: IpRange): boolean {
  if (ip.version !== range.version) return false;
  let bits = range.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if (((ip.bytes[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
  }
  return true;
}

export interface IpRange extends ParsedIp {
  prefix: number;
}

/** Parses `10.0.0.0/8`, `2001:db8::/32` or a single address (a full-length prefix). */
export function parseRange(text: string): IpRange | undefined {
  const [address = "", prefixText, extra] = text.trim().split("/");
  if (extra !== undefined) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  if (prefixText === undefined) return { ...ip, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  let prefix = Number(prefixText);
  // `::ffff:10.0.0.0/104` names IPv4 addresses: shift the prefix to the IPv4 part.
  if (ip.version === 4 && address.includes(":")) prefix -= 96;
  if (prefix < 0 || prefix > max) return undefined;
  return { ...ip, prefix };
}

/**
 * The throttling identity of a client: the address itself for IPv4, its /64 network for IPv6 —
 * one IPv6 subscriber is usually given a whole /64, and would otherwise have 2^64 addresses to
 * rotate through.
 */
export function clientBucket(ip: ParsedIp): string {
  if (ip.version === 4) return formatIp(ip);
  const network = new Uint8Array(16);
  network.set(ip.bytes.slice(0, 8));
  return `${formatIp({ version: 6, bytes: network })}/64`;
}
