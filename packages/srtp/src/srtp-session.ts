import { peekRtpSequenceNumber, peekRtpSsrc, rtpHeaderLength } from "@purertc/rtp";
import { cryptexCsrcLength, prepareCryptex, restoreProfile } from "./cryptex.js";
import type { UnprotectResult } from "./failure.js";
import { estimateRtpIndex } from "./replay-window.js";
import { mkiMatches, SessionBase, type SrtpSessionOptions } from "./session-base.js";

export type { SrtpSessionOptions } from "./session-base.js";

/**
 * SRTP for RTP packets (RFC 3711 §3.3) under one master key: `protect` for what we send with it,
 * `unprotect` for what the peer sent with it. Per-SSRC state (the highest index, hence the ROC,
 * and the replay window) is created on the first packet of each SSRC, after it authenticates.
 *
 * Synchronous and allocation-lean: per packet, the output array and the crypto backend's own
 * buffers. `unprotect` never throws on remote input.
 */
export class SrtpSession extends SessionBase<{ top: number }> {
  /** Bytes after the authenticated portion: MKI and (AES-CM) tag. */
  readonly #trailer: number;
  /** Minimum encrypted portion: the 16-byte GCM tag rides inside it (RFC 7714 §8.2). */
  readonly #minBody: number;
  /**
   * Cryptex (RFC 9335) in effect: starts as `config.cryptex`; a negotiation that settles it
   * later (both sides' `a=cryptex`, RFC 9335 §3) switches it with {@link setCryptex}.
   */
  #cryptex: boolean;

  constructor(options: SrtpSessionOptions) {
    super(options, false);
    this.#cryptex = this.config.cryptex;
    const p = this.params;
    this.#trailer = this.mkiLength + (p.cipher === "aes-cm" ? p.rtpTagLength : 0);
    this.#minBody = p.cipher === "aead" ? 16 : 0;
  }

  /** Whether cryptex (RFC 9335) protects and is accepted on this session. */
  get cryptex(): boolean {
    return this.#cryptex;
  }

  /** Turns cryptex (RFC 9335) on or off for the packets that follow. */
  setCryptex(enabled: boolean): void {
    this.#cryptex = enabled;
  }

  /**
   * Protects one RTP packet (RFC 3711 §3.3) and returns the SRTP packet (a new array; `packet` is
   * not modified). The index comes from the sequence number and the stream's rollover counter.
   * With cryptex on (`config.cryptex` or {@link setCryptex}) the CSRCs and header extensions
   * are encrypted too (RFC 9335).
   * Throws `RangeError` when `packet` is not an RTP packet (local misuse).
   */
  protect(packet: Uint8Array): Uint8Array {
    let headerLength: number;
    try {
      headerLength = rtpHeaderLength(packet);
    } catch (e) {
      throw new RangeError(`SRTP: protect needs an RTP packet: ${(e as Error).message}`);
    }
    let csrc = -1;
    let input = packet;
    if (this.#cryptex) {
      const c = prepareCryptex(packet);
      if (c !== undefined) {
        input = c.packet;
        csrc = c.csrc;
        headerLength = rtpHeaderLength(input);
      }
    }
    const ssrc = peekRtpSsrc(input);
    const seq = peekRtpSequenceNumber(input);
    let stream = this.tx.get(ssrc);
    if (stream === undefined) {
      stream = { top: -1 };
      this.tx.set(ssrc, stream);
    }
    const index = estimateRtpIndex(stream.top, seq);
    if (index > stream.top) stream.top = index;
    const roc = Math.floor(index / 0x10000);
    const out = this.cipher.protectRtp(input, headerLength, ssrc, roc, seq, this.mki, csrc);
    this.protectedPackets++;
    return out;
  }

  /**
   * Verifies, replay-checks and decrypts one SRTP packet (RFC 3711 §3.3). Returns the RTP packet
   * (a new array) or the reason it was dropped; never throws.
   */
  unprotect(packet: Uint8Array): UnprotectResult {
    const end = packet.byteLength - this.#trailer;
    if (end < 12) return this.fail("malformed");
    let headerLength: number;
    try {
      headerLength = rtpHeaderLength(packet);
    } catch {
      return this.fail("malformed");
    }
    if (end - headerLength < this.#minBody) return this.fail("malformed");
    const mki = this.mki;
    if (mki !== undefined && !mkiMatches(packet, end, mki)) return this.fail("unknown-mki");
    const ssrc = peekRtpSsrc(packet);
    const seq = peekRtpSequenceNumber(packet);
    const window = this.rx.get(ssrc);
    const index = window === undefined ? seq : estimateRtpIndex(window.top, seq);
    const refused = this.admit(window, index);
    if (refused !== undefined) return refused;
    const roc = Math.floor(index / 0x10000);
    const csrc = this.#cryptex ? cryptexCsrcLength(packet) : -1;
    const out = this.cipher.unprotectRtp(packet, headerLength, end, ssrc, roc, seq, csrc);
    if (out === undefined) return this.fail("auth-failed");
    if (csrc >= 0) restoreProfile(out, csrc);
    this.accepted(ssrc, window, index);
    return out;
  }

  /** The rollover counter of a local (`"local"`) or remote stream, if it exists (RFC 3711 §3.2.1). */
  rolloverCounter(ssrc: number, side: "local" | "remote"): number | undefined {
    const top = side === "local" ? this.tx.get(ssrc)?.top : this.rx.get(ssrc)?.top;
    return top === undefined || top < 0 ? undefined : Math.floor(top / 0x10000);
  }
}
