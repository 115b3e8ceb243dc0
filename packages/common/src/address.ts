/** IP address text ↔ bytes (RFC 791 dotted quad, RFC 4291 §2.2 / RFC 5952 for IPv6). */

import type { SocketAddress } from "./sans-io.js";

/** 4 for IPv4, 6 for IPv6. */
export type IpFamily = 4 | 6;

/** Parses a dotted-quad IPv4 address into 4 bytes, or `undefined` if it is not one. */
export function parseIPv4(s: string): Uint8Array | undefined {
  const parts = s.split(".");
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === "0")) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    out[i] = v;
  }
  return out;
}

export function formatIPv4(b: Uint8Array, offset = 0): string {
  return `${b[offset]}.${b[offset + 1]}.${b[offset + 2]}.${b[offset + 3]}`;
}

/** Parses IPv6 text (with `::`, embedded IPv4, and an ignored `%zone`) into 16 bytes. */
export function parseIPv6(input: string): Uint8Array | undefined {
  let s = input;
  const zone = s.indexOf("%");
  if (zone >= 0) s = s.slice(0, zone);
  if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === "") return [];
    const out: number[] = [];
    const items = part.split(":");
    for (let i = 0; i < items.length; i++) {
      const g = items[i]!;
      if (i === items.length - 1 && g.includes(".")) {
        const v4 = parseIPv4(g);
        if (!v4) return undefined;
        out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
        out.push(Number.parseInt(g, 16));
      }
    }
    return out;
  };
  const head = groups(halves[0]!);
  const tail = halves.length === 2 ? groups(halves[1]!) : [];
  if (!head || !tail) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...new Array<number>(halves.length === 2 ? missing : 0).fill(0), ...tail];
  const out = new Uint8Array(16);
  all.forEach((g, i) => {
    out[i * 2] = g >>> 8;
    out[i * 2 + 1] = g & 0xff;
  });
  return out;
}

/** Canonical IPv6 text (RFC 5952: lower case, longest zero run of ≥2 groups as `::`). */
export function formatIPv6(b: Uint8Array, offset = 0): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((b[offset + i * 2]! << 8) | b[offset + i * 2 + 1]!);
  if (g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff) {
    return `::ffff:${formatIPv4(b, offset + 12)}`;
  }
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = g.map((x) => x.toString(16));
  if (bestStart < 0) return hex.join(":");
  return `${hex.slice(0, bestStart).join(":")}::${hex.slice(bestStart + bestLen).join(":")}`;
}

/** The family of an IP address literal, or `undefined` for anything else (e.g. a hostname). */
export function ipFamily(s: string): IpFamily | undefined {
  if (parseIPv4(s)) return 4;
  if (s.includes(":") && parseIPv6(s)) return 6;
  return undefined;
}

/** Parses an IPv4 or IPv6 literal into 4 or 16 bytes. */
export function parseIp(s: string): Uint8Array | undefined {
  return parseIPv4(s) ?? (s.includes(":") ? parseIPv6(s) : undefined);
}

/** Formats 4 or 16 bytes as an address. */
export function formatIp(b: Uint8Array): string {
  if (b.byteLength === 4) return formatIPv4(b);
  if (b.byteLength === 16) return formatIPv6(b);
  throw new RangeError(`formatIp: ${b.byteLength} bytes is neither IPv4 nor IPv6`);
}

/** The canonical text of an IP literal (`"::0001"` → `"::1"`), or the input when not one. */
export function normalizeIp(s: string): string {
  const b = parseIp(s);
  return b ? formatIp(b) : s;
}

/** What kind of address this is, for relay/gathering policies (RFC 6890 special ranges). */
export type IpScope =
  | "unspecified"
  | "loopback"
  | "private"
  | "link-local"
  | "multicast"
  | "unique-local"
  | "broadcast"
  | "public";

function ipv4Scope(b: Uint8Array): IpScope {
  const [a, c] = [b[0]!, b[1]!];
  if (b.every((x) => x === 0)) return "unspecified";
  if (b.every((x) => x === 255)) return "broadcast";
  if (a === 127) return "loopback";
  if (a === 10 || (a === 172 && c >= 16 && c <= 31) || (a === 192 && c === 168)) return "private";
  if (a === 100 && c >= 64 && c <= 127) return "private";
  if (a === 169 && c === 254) return "link-local";
  if (a >= 224 && a <= 239) return "multicast";
  if (a === 0 || a >= 240) return "unspecified";
  return "public";
}

/** Classifies an IP literal; `undefined` if `s` is not one. IPv4-mapped IPv6 uses the IPv4 rules. */
export function ipScope(s: string): IpScope | undefined {
  const b = parseIp(s);
  if (!b) return undefined;
  if (b.byteLength === 4) return ipv4Scope(b);
  if (b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) {
    return ipv4Scope(b.subarray(12));
  }
  if (b.every((x) => x === 0)) return "unspecified";
  if (b.subarray(0, 15).every((x) => x === 0) && b[15] === 1) return "loopback";
  if (b[0] === 0xfe && (b[1]! & 0xc0) === 0x80) return "link-local";
  if (b[0] === 0xff) return "multicast";
  if ((b[0]! & 0xfe) === 0xfc) return "unique-local";
  return "public";
}

/**
 * Parses `"1.2.3.4:5"`, `"[::1]:5"` or `"host:5"` into a {@link SocketAddress}; throws
 * `TypeError` when there is no valid port.
 */
export function parseSocketAddress(s: string): SocketAddress {
  const m = /^\[([^\]]+)\]:(\d+)$/.exec(s) ?? /^([^:]+):(\d+)$/.exec(s);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`not an address:port: ${JSON.stringify(s)}`);
  }
  return { address: m[1]!, port };
}
