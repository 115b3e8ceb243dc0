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
import { intern, parseUintAt } from "./text.js";

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
  let p = 0;
  if (text.startsWith("a=")) p = 2;
  if (text.startsWith("candidate:", p)) p += 10;
  return parseCandidateIn(text, p, text.length);
}

/** End of the space-delimited token at `p` (bounded by `n`), or -1 when the token is empty. */
function tokenEnd(s: string, p: number, n: number): number {
  let e = s.indexOf(" ", p);
  if (e < 0 || e > n) e = n;
  return e > p ? e : -1;
}

/**
 * Parses the candidate value `s.slice(p, n)` in place (no intermediate token array).
 * Returns `undefined` when malformed.
 */
export function parseCandidateIn(s: string, p: number, n: number): Candidate | undefined {
  let e = tokenEnd(s, p, n);
  if (e < 0) return undefined;
  const foundation = s.slice(p, e);
  p = e + 1;
  e = tokenEnd(s, p, n);
  const component = e < 0 ? -1 : parseUintAt(s, p, e);
  if (component < 0 || component > 256) return undefined;
  p = e + 1;
  e = tokenEnd(s, p, n);
  if (e < 0) return undefined;
  const transport = intern(s, p, e);
  p = e + 1;
  e = tokenEnd(s, p, n);
  const priority = e < 0 ? -1 : parseUintAt(s, p, e);
  if (priority < 0 || priority > 0xffffffff) return undefined;
  p = e + 1;
  e = tokenEnd(s, p, n);
  if (e < 0) return undefined;
  const address = s.slice(p, e);
  p = e + 1;
  e = tokenEnd(s, p, n);
  const port = e < 0 ? -1 : parseUintAt(s, p, e);
  if (port < 0 || port > 65535) return undefined;
  p = e + 1;
  if (!s.startsWith("typ ", p)) return undefined;
  p += 4;
  e = tokenEnd(s, p, n);
  if (e < 0) return undefined;
  const c: Candidate = {
    foundation,
    component,
    transport,
    priority,
    address,
    port,
    type: intern(s, p, e),
    relatedAddress: undefined,
    relatedPort: undefined,
    tcpType: undefined,
    generation: undefined,
    ufrag: undefined,
    networkId: undefined,
    networkCost: undefined,
    extensions: [],
  };
  p = e + 1;
  while (p <= n) {
    if (p === n) return undefined; // trailing space
    const ne = tokenEnd(s, p, n);
    if (ne < 0 || ne === n) return undefined; // empty name, or a name without value
    const vs = ne + 1;
    const ve = tokenEnd(s, vs, n);
    if (ve < 0) return undefined;
    if (!extension(c, s, p, ne, vs, ve)) return undefined;
    p = ve + 1;
  }
  return c;
}

/** Applies one `<name> <value>` extension pair; false when a known one is malformed. */
function extension(
  c: Candidate,
  s: string,
  ns: number,
  ne: number,
  vs: number,
  ve: number,
): boolean {
  const len = ne - ns;
  let num = -2;
  if (len === 5 && s.startsWith("raddr", ns)) c.relatedAddress = s.slice(vs, ve);
  else if (len === 5 && s.startsWith("rport", ns)) {
    num = parseUintAt(s, vs, ve);
    if (num > 65535) return false;
    c.relatedPort = num;
  } else if (len === 7 && s.startsWith("tcptype", ns)) c.tcpType = intern(s, vs, ve);
  else if (len === 10 && s.startsWith("generation", ns))
    c.generation = num = parseUintAt(s, vs, ve);
  else if (len === 5 && s.startsWith("ufrag", ns)) c.ufrag = s.slice(vs, ve);
  else if (len === 10 && s.startsWith("network-id", ns)) c.networkId = num = parseUintAt(s, vs, ve);
  else if (len === 12 && s.startsWith("network-cost", ns))
    c.networkCost = num = parseUintAt(s, vs, ve);
  else c.extensions.push({ name: s.slice(ns, ne), value: s.slice(vs, ve) });
  return num !== -1;
}

/** A copy of a candidate without extensions (the parser's record of the parsed value). */
export function copyCandidate(c: Candidate): Candidate {
  return {
    foundation: c.foundation,
    component: c.component,
    transport: c.transport,
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type,
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    tcpType: c.tcpType,
    generation: c.generation,
    ufrag: c.ufrag,
    networkId: c.networkId,
    networkCost: c.networkCost,
    extensions: [],
  };
}

/** Whether two candidates without extensions have the same fields (compared with `===`). */
export function sameCandidate(a: Candidate, b: Candidate): boolean {
  return (
    a.extensions.length === 0 &&
    a.foundation === b.foundation &&
    a.component === b.component &&
    a.transport === b.transport &&
    a.priority === b.priority &&
    a.address === b.address &&
    a.port === b.port &&
    a.type === b.type &&
    a.relatedAddress === b.relatedAddress &&
    a.relatedPort === b.relatedPort &&
    a.tcpType === b.tcpType &&
    a.generation === b.generation &&
    a.ufrag === b.ufrag &&
    a.networkId === b.networkId &&
    a.networkCost === b.networkCost
  );
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
