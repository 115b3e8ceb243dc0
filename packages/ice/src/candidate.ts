/**
 * ICE candidates (RFC 8445 §5.1): types, priorities (§5.1.2) and foundations (§5.1.1.3).
 */
import { crc32, type IpFamily, ipFamily, type SocketAddress, utf8Encode } from "@purertc/common";

/** RFC 8445 §5.1.1: the four candidate types. */
export type IceCandidateType = "host" | "srflx" | "prflx" | "relay";

/** How a relayed candidate reaches its TURN server (W3C `RTCIceCandidate.relayProtocol`). */
export type IceRelayProtocol = "udp" | "tcp" | "tls";

/** One ICE candidate (local or remote), as signalled. */
export interface IceCandidate {
  readonly foundation: string;
  /** 1 = RTP (with rtcp-mux, the only component WebRTC uses). */
  readonly component: number;
  /** Only UDP candidates are gathered and paired. */
  readonly transport: "udp";
  /** 32-bit priority (RFC 8445 §5.1.2.1). */
  readonly priority: number;
  /** IP literal, or an mDNS `<uuid>.local` name for a remote host candidate (RFC 8828). */
  readonly address: string;
  readonly port: number;
  readonly type: IceCandidateType;
  /** For srflx/prflx: the base; for relay: the mapped address (RFC 8839 §5.1 raddr/rport). */
  readonly relatedAddress?: string;
  readonly relatedPort?: number;
  /** The ufrag of the ICE generation this candidate belongs to (trickle, RFC 8838 §4.1). */
  readonly usernameFragment?: string;
  /** The STUN/TURN server URL a srflx/relay candidate came from (W3C stats `url`). */
  readonly url?: string;
  readonly relayProtocol?: IceRelayProtocol;
}

/**
 * RFC 8445 §5.1.2.2 recommended type preferences: "126 for host candidates, 110 for
 * peer-reflexive candidates, 100 for server-reflexive candidates, and 0 for relayed candidates".
 */
export const TYPE_PREFERENCE: Readonly<Record<IceCandidateType, number>> = Object.freeze({
  host: 126,
  prflx: 110,
  srflx: 100,
  relay: 0,
});

/** RFC 8445 §5.1.2.1: local preference is a 16-bit value; 65535 is the highest. */
export const MAX_LOCAL_PREFERENCE = 65535;

/**
 * RFC 8445 §5.1.2.1:
 * `priority = (2^24)*(type preference) + (2^8)*(local preference) + (2^0)*(256 - component ID)`.
 */
export function candidatePriority(
  type: IceCandidateType,
  localPreference: number,
  component = 1,
  typePreference = TYPE_PREFERENCE[type],
): number {
  if (!Number.isInteger(localPreference) || localPreference < 0 || localPreference > 65535)
    throw new RangeError(`local preference must be 0..65535, got ${localPreference}`);
  if (!Number.isInteger(component) || component < 1 || component > 256)
    throw new RangeError(`component must be 1..256, got ${component}`);
  return typePreference * 0x1000000 + localPreference * 0x100 + (256 - component);
}

/**
 * A local preference per network interface and address family (RFC 8445 §5.1.2.1 "SHOULD be
 * ... unique for each interface"; RFC 8421 §4: IPv6 before IPv4 on the same interface, and
 * interfaces interleaved by their rank). `interfaceRank` 0 is the most preferred interface;
 * relayed candidates prefer UDP over TCP over TLS to the server (RFC 8445 §5.1.2.2).
 */
export function localPreference(
  family: IpFamily,
  interfaceRank = 0,
  relayProtocol?: IceRelayProtocol,
): number {
  const rank = Math.max(0, Math.min(interfaceRank, 126));
  const proto = relayProtocol === "tls" ? 2 : relayProtocol === "tcp" ? 1 : 0;
  return MAX_LOCAL_PREFERENCE - rank * 512 - (family === 4 ? 128 : 0) - proto * 32;
}

/**
 * RFC 8445 §5.1.1.3: candidates share a foundation when they have the same type, the same base
 * IP address, the same STUN/TURN server IP and the same transport. The text is a decimal CRC-32
 * of those facts (an `ice-char` token as RFC 8839 §5.1 requires).
 */
export function candidateFoundation(
  type: IceCandidateType,
  baseAddress: string,
  serverAddress = "",
  transport = "udp",
): string {
  return String(crc32(utf8Encode(`${type}|${baseAddress}|${serverAddress}|${transport}`)));
}

/** The family of a candidate's address, or `undefined` for an unresolved mDNS name. */
export function candidateFamily(c: { readonly address: string }): IpFamily | undefined {
  return ipFamily(c.address);
}

/** `address:port` of a candidate. */
export function candidateAddress(c: IceCandidate): SocketAddress {
  return { address: c.address, port: c.port };
}

/** Whether an address is an mDNS name (RFC 8828 §5.1: `<uuid>.local`). */
export function isMdnsName(address: string): boolean {
  return address.length > 6 && address.toLowerCase().endsWith(".local");
}
