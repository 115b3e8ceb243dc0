import { constantTimeEqual, type Millis } from "@purertc/common";
import type { MacContext } from "@purertc/crypto";
import { readU32 } from "../chunks/data.js";

/**
 * The State Cookie (RFC 9260 §5.1.3): the INIT ACK sender keeps no state until COOKIE ECHO
 * returns it. It carries the negotiated TCB fields and a creation time, signed with
 * HMAC-SHA-256 under a secret key of this association (§5.1.3: "a MAC ... using a secret key").
 *
 * Layout (big-endian): version(1) flags(1) outboundStreams(2) inboundStreams(2) peerReceiveMtu(2)
 * localTag(4) peerTag(4) localInitialTsn(4) peerInitialTsn(4) peerRwnd(4) createdAt(f64) | MAC(32)
 */
export interface CookieState {
  readonly localTag: number;
  readonly peerTag: number;
  readonly localInitialTsn: number;
  readonly peerInitialTsn: number;
  readonly peerRwnd: number;
  readonly outboundStreams: number;
  readonly inboundStreams: number;
  /** Capabilities negotiated from the peer's INIT (bit set of {@link CookieFlag}). */
  readonly flags: number;
  /** The peer's Receive MTU parameter (0 when absent). */
  readonly peerReceiveMtu: number;
  readonly createdAt: Millis;
}

/** Capability bits kept in the cookie. */
export const CookieFlag = {
  FORWARD_TSN: 1,
  RE_CONFIG: 2,
  I_DATA: 4,
  ZERO_CHECKSUM: 8,
} as const;

const VERSION = 1;
const BODY = 36;

/** A verified cookie and how far past its lifetime it is (0 when fresh). */
export interface CookieCheck {
  readonly state: CookieState;
  /** Milliseconds past Valid.Cookie.Life (RFC 9260 §5.1.5 step 3), 0 when still valid. */
  readonly staleMs: number;
}

/** Signs and verifies state cookies with one keyed HMAC. */
export class StateCookieSigner {
  readonly #mac: MacContext;

  constructor(mac: MacContext) {
    this.#mac = mac;
  }

  sign(s: CookieState): Uint8Array {
    const out = new Uint8Array(BODY + this.#mac.outputLength);
    const v = new DataView(out.buffer);
    v.setUint8(0, VERSION);
    v.setUint8(1, s.flags);
    v.setUint16(2, s.outboundStreams);
    v.setUint16(4, s.inboundStreams);
    v.setUint16(6, s.peerReceiveMtu);
    v.setUint32(8, s.localTag);
    v.setUint32(12, s.peerTag);
    v.setUint32(16, s.localInitialTsn);
    v.setUint32(20, s.peerInitialTsn);
    v.setUint32(24, s.peerRwnd);
    v.setFloat64(28, s.createdAt);
    out.set(this.#mac.compute(out.subarray(0, BODY)), BODY);
    return out;
  }

  /**
   * Verifies the MAC (RFC 9260 §5.1.5 steps 1–2) and measures the staleness (step 3).
   * A cookie that is not ours yields `undefined`.
   */
  verify(cookie: Uint8Array, now: Millis, lifetimeMs: number): CookieCheck | undefined {
    if (cookie.byteLength !== BODY + this.#mac.outputLength || cookie[0] !== VERSION)
      return undefined;
    const mac = this.#mac.compute(cookie.subarray(0, BODY));
    if (!constantTimeEqual(mac, cookie.subarray(BODY))) return undefined;
    const v = new DataView(cookie.buffer, cookie.byteOffset, BODY);
    const createdAt = v.getFloat64(28);
    return {
      staleMs: Math.max(0, now - createdAt - lifetimeMs),
      state: {
        flags: cookie[1]!,
        outboundStreams: v.getUint16(2),
        inboundStreams: v.getUint16(4),
        peerReceiveMtu: v.getUint16(6),
        localTag: readU32(cookie, 8),
        peerTag: readU32(cookie, 12),
        localInitialTsn: readU32(cookie, 16),
        peerInitialTsn: readU32(cookie, 20),
        peerRwnd: readU32(cookie, 24),
        createdAt,
      },
    };
  }
}
