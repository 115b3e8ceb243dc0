/**
 * Which peer addresses a TURN server relays to. By default nothing that is not public
 * (RFC 8656 §21.4 "the server SHOULD ... deny" relaying into its own networks; coturn#856):
 * loopback, RFC 1918 / RFC 6598 private, ULA, link-local, multicast, broadcast and unspecified
 * addresses are refused with 403 unless an allow rule matches.
 */
import { type IpScope, ipScope, parseIp } from "@purertc/common";

/** An address range. */
export interface Cidr {
  readonly text: string;
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

/** Parses `"10.0.0.0/8"`, `"::1/128"` or a bare address (a /32 or /128). Throws `TypeError`. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf("/");
  const ip = slash < 0 ? text : text.slice(0, slash);
  const bytes = parseIp(ip.trim());
  if (!bytes) throw new TypeError(`not an IP range: ${JSON.stringify(text)}`);
  const max = bytes.length * 8;
  const prefix = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) {
    throw new TypeError(`bad prefix length in ${JSON.stringify(text)}`);
  }
  return { text, bytes, prefix };
}

/** Whether the IP bytes fall in the range (IPv4-mapped IPv6 matches IPv4 ranges). */
export function cidrContains(c: Cidr, ip: Uint8Array): boolean {
  let b = ip;
  if (b.length === 16 && c.bytes.length === 4 && isMapped(b)) b = b.subarray(12);
  if (b.length !== c.bytes.length) return false;
  const full = c.prefix >> 3;
  for (let i = 0; i < full; i++) if (b[i] !== c.bytes[i]) return false;
  const rest = c.prefix & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return (b[full]! & mask) === (c.bytes[full]! & mask);
}

function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Scopes denied by default. */
export const DENIED_PEER_SCOPES: readonly IpScope[] = Object.freeze([
  "unspecified",
  "loopback",
  "private",
  "link-local",
  "multicast",
  "unique-local",
  "broadcast",
]);

/** Allow/deny rules for peer addresses: allow wins over deny, deny over the scope default. */
export class PeerPolicy {
  readonly #allow: readonly Cidr[];
  readonly #deny: readonly Cidr[];

  constructor(allow: readonly string[], deny: readonly string[]) {
    this.#allow = allow.map(parseCidr);
    this.#deny = deny.map(parseCidr);
  }

  /** Whether relaying to `ip` is permitted. */
  permits(ip: string): boolean {
    const bytes = parseIp(ip);
    if (!bytes) return false;
    for (const c of this.#allow) if (cidrContains(c, bytes)) return true;
    for (const c of this.#deny) if (cidrContains(c, bytes)) return false;
    const scope = ipScope(ip);
    return scope !== undefined && !DENIED_PEER_SCOPES.includes(scope);
  }
}
