/**
 * Cryptex negotiation (RFC 9335, "Signaling"): `a=cryptex` on an RTP m= section says its sender
 * can receive RTP with encrypted header extensions and CSRCs. Its mux category is TRANSPORT
 * (RFC 8859): in a BUNDLE group it is on every RTP section or on none, so one SRTP context
 * uses it for the whole bundle once both sides said so.
 *
 * ```
 *  offer  m=video … a=cryptex   m=audio … a=cryptex      (we offer when asked to)
 *  answer m=video … a=cryptex   m=audio … a=cryptex      (only if every offered section has it)
 *         └─ both descriptions carry it on every used RTP section ─▶ SRTP cryptex on
 * ```
 */
import { hasCryptex, type SessionDescription } from "@purertc/sdp";

const rtpInUse = (d: SessionDescription) =>
  d.media.filter(
    (m) => (m.kind === "audio" || m.kind === "video") && (m.port !== 0 || m.bundleOnly),
  );

/** Whether every RTP section in use carries `a=cryptex` (and there is at least one). */
export function allCryptex(d: SessionDescription): boolean {
  const rtp = rtpInUse(d);
  return rtp.length > 0 && rtp.every(hasCryptex);
}

/** Whether an offer/answer exchange turned cryptex on: both sides said so for the bundle. */
export function negotiatedCryptex(local: SessionDescription, remote: SessionDescription): boolean {
  return allCryptex(local) && allCryptex(remote);
}
