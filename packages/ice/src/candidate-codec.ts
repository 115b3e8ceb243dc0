/**
 * Candidate ↔ `candidate:` attribute text (RFC 8839 §5.1), through @purertc/sdp's codec. This is
 * the only module that knows the text form, so the agent works on {@link IceCandidate} values.
 */
import { ipFamily, normalizeIp } from "@purertc/common";
import { type Candidate, serializeCandidate, tryParseCandidate } from "@purertc/sdp";
import { type IceCandidate, type IceCandidateType, isMdnsName } from "./candidate.js";

const TYPES: ReadonlySet<string> = new Set(["host", "srflx", "prflx", "relay"]);

/**
 * Parses `candidate:...`, `a=candidate:...` or the bare value into an {@link IceCandidate}.
 * Returns `undefined` for malformed text and for what the agent cannot use: non-UDP
 * transports, unknown types, addresses that are neither IP literals nor `.local` names.
 */
export function parseIceCandidate(text: string): IceCandidate | undefined {
  const c = tryParseCandidate(text.trim());
  if (c === undefined) return undefined;
  if (c.transport.toLowerCase() !== "udp" || !TYPES.has(c.type)) return undefined;
  if (c.component < 1 || c.port === 0) return undefined;
  const fam = ipFamily(c.address);
  if (fam === undefined && !isMdnsName(c.address)) return undefined;
  const address = fam === undefined ? c.address.toLowerCase() : normalizeIp(c.address);
  return {
    foundation: c.foundation,
    component: c.component,
    transport: "udp",
    priority: c.priority,
    address,
    port: c.port,
    type: c.type as IceCandidateType,
    ...(c.relatedAddress !== undefined ? { relatedAddress: c.relatedAddress } : {}),
    ...(c.relatedPort !== undefined ? { relatedPort: c.relatedPort } : {}),
    ...(c.ufrag !== undefined ? { usernameFragment: c.ufrag } : {}),
  };
}

/**
 * The W3C `RTCIceCandidate.candidate` text (`candidate:<foundation> 1 udp ...`). libwebrtc's
 * `generation 0` and `ufrag` extensions are written when a ufrag is known.
 */
export function serializeIceCandidate(c: IceCandidate): string {
  const sdp: Candidate = {
    foundation: c.foundation,
    component: c.component,
    transport: "udp",
    priority: c.priority,
    address: c.address,
    port: c.port,
    type: c.type,
    relatedAddress: c.relatedAddress,
    relatedPort: c.relatedPort,
    ufrag: c.usernameFragment,
    extensions: [],
  };
  return serializeCandidate(sdp);
}
