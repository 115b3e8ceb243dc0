import { readU32 } from "./bytes.js";
import type { UnprotectResult } from "./failure.js";
import { mkiMatches, SessionBase, type SrtpSessionOptions } from "./session-base.js";

/** The largest SRTCP index (RFC 3711 §3.4: a 31-bit counter). */
const MAX_SRTCP_INDEX = 0x7fffffff;
/**
 * SRTCP for compound RTCP packets (RFC 3711 §3.4) under one master key. Each packet carries its
 * 31-bit SRTCP index and the E flag explicitly:
 *
 * ```
 * |  RTCP header (8)  |  encrypted portion  |E|  SRTCP index  | MKI (opt) | auth tag |   AES-CM
 * |  RTCP header (8)  |  ciphertext ‖ GCM tag  |E| SRTCP index | MKI (opt) |            AEAD
 * ```
 *
 * We send with E = 1 (encrypted, as WebRTC does) and accept E = 0 and E = 1. The first index sent
 * per SSRC is 1, as libsrtp (and so every browser) sends it; any index is accepted on receipt.
 */
export class SrtcpSession extends SessionBase<{ index: number }> {
  /** AES-CM: the tag follows the MKI; AEAD: the tag is inside the ciphertext. */
  readonly #tagAfterMki: number;
  readonly #minBody: number;

  constructor(options: SrtpSessionOptions) {
    super(options, true);
    const p = this.params;
    this.#tagAfterMki = p.cipher === "aes-cm" ? p.rtcpTagLength : 0;
    this.#minBody = p.cipher === "aead" ? 16 : 0;
  }

  /**
   * Protects one (compound) RTCP packet and returns the SRTCP packet (a new array). Throws
   * `RangeError` when `packet` is shorter than an RTCP header or the SSRC's 2^31 indices are used
   * up (RFC 3711 §9.2: rekey before that).
   */
  protect(packet: Uint8Array): Uint8Array {
    if (packet.byteLength < 8 || packet[0]! >>> 6 !== 2) {
      throw new RangeError("SRTCP: protect needs an RTCP packet (version 2, at least 8 bytes)");
    }
    const ssrc = readU32(packet, 4);
    let stream = this.tx.get(ssrc);
    if (stream === undefined) {
      stream = { index: 0 };
      this.tx.set(ssrc, stream);
    }
    if (stream.index >= MAX_SRTCP_INDEX) {
      throw new RangeError(`SRTCP: index space of SSRC ${ssrc} exhausted; rekey (RFC 3711 §9.2)`);
    }
    stream.index++;
    const out = this.cipher.protectRtcp(packet, ssrc, stream.index, this.mki);
    this.protectedPackets++;
    return out;
  }

  /**
   * Verifies, replay-checks and (when E = 1) decrypts one SRTCP packet. Returns the compound RTCP
   * packet (a new array) or the reason it was dropped; never throws.
   */
  unprotect(packet: Uint8Array): UnprotectResult {
    const trailerAt = packet.byteLength - this.#tagAfterMki - this.mkiLength - 4;
    if (trailerAt - 8 < this.#minBody || packet[0]! >>> 6 !== 2) return this.fail("malformed");
    const mki = this.mki;
    if (mki !== undefined && !mkiMatches(packet, trailerAt + 4, mki)) {
      return this.fail("unknown-mki");
    }
    const ssrc = readU32(packet, 4);
    const word = readU32(packet, trailerAt);
    const index = word & MAX_SRTCP_INDEX;
    const encrypted = word >>> 31 === 1;
    const window = this.rx.get(ssrc);
    const refused = this.admit(window, index);
    if (refused !== undefined) return refused;
    const out = this.cipher.unprotectRtcp(packet, trailerAt, ssrc, index, encrypted);
    if (out === undefined) return this.fail("auth-failed");
    this.accepted(ssrc, window, index);
    return out;
  }
}
