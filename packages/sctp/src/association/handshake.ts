import type { Millis } from "@purertc/common";
import type { InitChunk } from "../chunks/init.js";
import type { SctpConfig } from "../config.js";
import type { Param } from "../params/param.js";
import { type Capabilities, negotiate, offerParams } from "./capabilities.js";
import { CookieFlag, type CookieState } from "./state-cookie.js";

/** What the handshake learned about the peer before the TCB exists (RFC 9260 §5.1). */
export interface Pending {
  readonly peerTag: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  readonly outbound: number;
  readonly inbound: number;
  readonly caps: Capabilities;
  /** The peer's State Cookie to echo (INIT side only). */
  readonly cookie?: Uint8Array;
}

export const NO_CAPS: Capabilities = {
  forwardTsn: false,
  reConfig: false,
  iData: false,
  zeroChecksum: false,
  peerReceiveMtu: 0,
};

/** Our INIT or INIT ACK (RFC 9260 §3.3.2–§3.3.3) with the extensions we offer. */
export function buildInitChunk(
  kind: "init" | "init-ack",
  c: SctpConfig,
  tag: number,
  initialTsn: number,
  extra: readonly Param[],
): InitChunk {
  return {
    kind,
    initiateTag: tag,
    aRwnd: c.receiveWindow,
    outboundStreams: c.outboundStreams,
    inboundStreams: c.inboundStreams,
    initialTsn,
    params: [...extra, ...offerParams(c)],
  };
}

/** Whether a received INIT or INIT ACK has the mandatory non-zero fields (§3.3.2). */
export function initValid(c: InitChunk): boolean {
  return c.initiateTag !== 0 && c.outboundStreams !== 0 && c.inboundStreams !== 0;
}

/** The State Cookie contents for an INIT we answer (§5.1.3): everything to build the TCB later. */
export function cookieStateFor(
  init: InitChunk,
  c: SctpConfig,
  localTag: number,
  localInitialTsn: number,
  now: Millis,
): CookieState {
  const caps = negotiate(c, init);
  let flags = 0;
  if (caps.forwardTsn) flags |= CookieFlag.FORWARD_TSN;
  if (caps.reConfig) flags |= CookieFlag.RE_CONFIG;
  if (caps.iData) flags |= CookieFlag.I_DATA;
  if (caps.zeroChecksum) flags |= CookieFlag.ZERO_CHECKSUM;
  return {
    localTag,
    peerTag: init.initiateTag,
    localInitialTsn,
    peerInitialTsn: init.initialTsn,
    peerRwnd: init.aRwnd,
    outboundStreams: Math.min(c.outboundStreams, init.inboundStreams),
    inboundStreams: Math.min(c.inboundStreams, init.outboundStreams),
    flags,
    peerReceiveMtu: caps.peerReceiveMtu,
    createdAt: now,
  };
}

/** The peer as an INIT ACK describes it (§5.2.3), or undefined without a State Cookie. */
export function pendingFromInitAck(ack: InitChunk, c: SctpConfig): Pending | undefined {
  let cookie: Uint8Array | undefined;
  for (const p of ack.params) if (p.kind === "state-cookie") cookie = p.cookie.slice();
  if (!cookie) return undefined;
  return {
    peerTag: ack.initiateTag,
    peerInitialTsn: ack.initialTsn,
    peerRwnd: ack.aRwnd,
    outbound: Math.min(c.outboundStreams, ack.inboundStreams),
    inbound: Math.min(c.inboundStreams, ack.outboundStreams),
    caps: negotiate(c, ack),
    cookie,
  };
}

/** The peer as a verified State Cookie describes it (§5.1.5 step 4). */
export function pendingFromCookie(s: CookieState): Pending {
  const f = s.flags;
  return {
    peerTag: s.peerTag,
    peerInitialTsn: s.peerInitialTsn,
    peerRwnd: s.peerRwnd,
    outbound: s.outboundStreams,
    inbound: s.inboundStreams,
    caps: {
      forwardTsn: (f & CookieFlag.FORWARD_TSN) !== 0,
      reConfig: (f & CookieFlag.RE_CONFIG) !== 0,
      iData: (f & CookieFlag.I_DATA) !== 0,
      zeroChecksum: (f & CookieFlag.ZERO_CHECKSUM) !== 0,
      peerReceiveMtu: s.peerReceiveMtu,
    },
  };
}
