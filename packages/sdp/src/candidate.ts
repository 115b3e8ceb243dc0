/**
 * The ICE candidate line (RFC 8839 §5.1), shared by @purertc/ice and @purertc/peer.
 *
 * ```
 * candidate-attribute = "candidate" ":" foundation SP component-id SP
 *                       transport SP priority SP connection-address SP port
 *                       SP cand-type [SP rel-addr] [SP rel-port]
 *                       *(SP cand-extension)
 * cand-type   = "typ" SP ("host" / "srflx" / "prflx" / "relay" / token)
 * rel-addr    = "raddr" SP connection-address
 * rel-port    = "rport" SP port
 * cand-extension = extension-att-name SP extension-att-value
 * ```
 *
 * RFC 6544 §4.5 adds `tcptype active|passive|so`; libwebrtc adds `generation`, `ufrag`,
 * `network-id` and `network-cost`. The address may be an mDNS name (`<uuid>.local`).
 */
import { DecodeError } from "@purertc/common";
import { parseUint } from "./text.js";

/** `typ` values of RFC 8839 §5.1 (other tokens are kept as written). */
export type CandidateType = "host" | "srflx" | "prflx" | "relay";

/** An unknown `<name> <value>` extension pair, kept in order. */
export interface CandidateExtension {
  name: string;
  value: string;
}

/** One ICE candidate. */
export interface Candidate {
  foundation: string;
  /** 1 = RTP, 2 = RTCP. */
  component: number;
  /** Transport as written (`udp`, `UDP`, `tcp`); compare case-insensitively. */
  transport: string;
  /** 32-bit unsigned priority. */
  priority: number;
  /** IPv4, IPv6 or an FQDN such as an mDNS `.local` name. */
  address: string;
  port: number;
  type: CandidateType | (string & {});
  relatedAddress?: string;
  relatedPort?: number;
  /** RFC 6544 `tcptype`: `active`, `passive` or `so`. */
  tcpType?: string;
  generation?: number;
  ufrag?: string;
  networkId?: number;
  networkCost?: number;
  /** Extensions this codec does not know, in order. */
  extensions: CandidateExtension[];
}

/**
 * Parses the value of a candidate attribute. Accepts `a=candidate:...`, `candidate:...` (the W3C
 * `RTCIceCandidate.candidate` form) or the bare value. Returns `undefined` when malformed.
 */
export function tryParseCandidate(text: string): Candidate | undefined {
  let s = text;
  if (s.charCodeAt(0) === 97 /* a */ && s.startsWith("a=")) s = s.slice(2);
  if (s.startsWith("candidate:")) s = s.slice(10);
  const t = s.split(" ");
  if (t.length < 8 || t[6] !== "typ") return undefined;
  const foundation = t[0]!;
  const component = parseUint(t[1]!);
  const priority = parseUint(t[3]!);
  const port = parseUint(t[5]!);
  const type = t[7]!;
  if (foundation === "" || t[2] === "" || t[4] === "" || type === "") return undefined;
  if (component < 0 || component > 256 || priority < 0 || priority > 0xffffffff) return undefined;
  if (port < 0 || port > 65535) return undefined;
  const c: Candidate = {
    foundation,
    component,
    transport: t[2]!,
    priority,
    address: t[4]!,
    port,
    type,
    relatedAddress: undefined,
    relatedPort: undefined,
    tcpType: undefined,
    generation: undefined,
    ufrag: undefined,
    networkId: undefined,
    networkCost: undefined,
    extensions: [],
  };
  if ((t.length & 1) !== 0) return undefined; // extensions come in name/value pairs
  for (let i = 8; i < t.length; i += 2) {
    const name = t[i]!;
    const value = t[i + 1]!;
    if (name === "" || value === "") return undefined;
    switch (name) {
      case "raddr":
        c.relatedAddress = value;
        break;
      case "rport": {
        const n = parseUint(value);
        if (n < 0 || n > 65535) return undefined;
        c.relatedPort = n;
        break;
      }
      case "tcptype":
        c.tcpType = value;
        break;
      case "generation": {
        const n = parseUint(value);
        if (n < 0) return undefined;
        c.generation = n;
        break;
      }
      case "ufrag":
        c.ufrag = value;
        break;
      case "network-id": {
        const n = parseUint(value);
        if (n < 0) return undefined;
        c.networkId = n;
        break;
      }
      case "network-cost": {
        const n = parseUint(value);
        if (n < 0) return undefined;
        c.networkCost = n;
        break;
      }
      default:
        c.extensions.push({ name, value });
    }
  }
  return c;
}

/**
 * Decodes a candidate (see {@link tryParseCandidate} for the accepted forms).
 * @throws DecodeError (layer `sdp`, code `bad-candidate`)
 */
export function parseCandidate(text: string): Candidate {
  const c = tryParseCandidate(text);
  if (c === undefined) throw new DecodeError("sdp", "bad-candidate", 0, text.slice(0, 80));
  return c;
}

/**
 * The attribute value (without `candidate:`): known extensions in the order libwebrtc writes
 * them (`raddr rport tcptype generation ufrag network-id network-cost`), then unknown ones.
 */
export function serializeCandidateValue(c: Candidate): string {
  let s = `${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  if (c.generation !== undefined) s += ` generation ${c.generation}`;
  if (c.ufrag !== undefined) s += ` ufrag ${c.ufrag}`;
  if (c.networkId !== undefined) s += ` network-id ${c.networkId}`;
  if (c.networkCost !== undefined) s += ` network-cost ${c.networkCost}`;
  for (const e of c.extensions) s += ` ${e.name} ${e.value}`;
  return s;
}

/** The W3C `RTCIceCandidate.candidate` form: `candidate:<value>`. */
export function serializeCandidate(c: Candidate): string {
  return `candidate:${serializeCandidateValue(c)}`;
}
