import { type Logger, silentLogger } from "@purertc/common";
import { readU32 } from "./bytes.js";
import { resolveSrtpConfig, type SrtpConfig } from "./config.js";
import {
  emptyFailures,
  type SrtpFailure,
  type SrtpStats,
  type UnprotectResult,
} from "./failure.js";
import { deriveSessionKeys } from "./key-derivation.js";
import { createPacketCipher, type PacketCipher } from "./packet-cipher.js";
import { type SrtpProfile, srtpProfileParameters } from "./profile.js";
import { ReplayWindow } from "./replay-window.js";
import { checkMki, mkiMatches, type SrtpSessionOptions } from "./srtp-session.js";

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
export class SrtcpSession {
  readonly profile: SrtpProfile;
  readonly config: SrtpConfig;
  readonly #cipher: PacketCipher;
  readonly #mki: Uint8Array | undefined;
  readonly #mkiLength: number;
  /** AES-CM: the tag follows the MKI; AEAD: the tag is inside the ciphertext. */
  readonly #tagAfterMki: number;
  readonly #minBody: number;
  readonly #tx = new Map<number, { index: number }>();
  readonly #rx = new Map<number, ReplayWindow>();
  readonly #log: Logger;
  #protected = 0;
  #unprotected = 0;
  readonly #failures = emptyFailures();

  constructor(options: SrtpSessionOptions) {
    const params = srtpProfileParameters(options.profile);
    this.profile = params.profile;
    this.config = resolveSrtpConfig(options.config);
    this.#mki = checkMki(options.key);
    this.#mkiLength = this.#mki?.byteLength ?? 0;
    const keys = deriveSessionKeys(options.crypto, params, options.key, true);
    this.#cipher = createPacketCipher(options.crypto, params, keys, true);
    this.#tagAfterMki = params.cipher === "aes-cm" ? params.rtcpTagLength : 0;
    this.#minBody = params.cipher === "aead" ? 16 : 0;
    this.#log = (options.logger ?? silentLogger).child("srtcp");
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
    let stream = this.#tx.get(ssrc);
    if (stream === undefined) {
      stream = { index: 0 };
      this.#tx.set(ssrc, stream);
    }
    if (stream.index >= MAX_SRTCP_INDEX) {
      throw new RangeError(`SRTCP: index space of SSRC ${ssrc} exhausted; rekey (RFC 3711 §9.2)`);
    }
    stream.index++;
    const out = this.#cipher.protectRtcp(packet, ssrc, stream.index, this.#mki);
    this.#protected++;
    return out;
  }

  /**
   * Verifies, replay-checks and (when E = 1) decrypts one SRTCP packet. Returns the compound RTCP
   * packet (a new array) or the reason it was dropped; never throws.
   */
  unprotect(packet: Uint8Array): UnprotectResult {
    const n = packet.byteLength;
    const trailerAt = n - this.#tagAfterMki - this.#mkiLength - 4;
    if (trailerAt - 8 < this.#minBody || packet[0]! >>> 6 !== 2) return this.#fail("malformed");
    const mki = this.#mki;
    if (mki !== undefined && !mkiMatches(packet, trailerAt + 4, mki)) {
      return this.#fail("unknown-mki");
    }
    const ssrc = readU32(packet, 4);
    const word = readU32(packet, trailerAt);
    const index = word & MAX_SRTCP_INDEX;
    const encrypted = word >>> 31 === 1;
    const window = this.#rx.get(ssrc);
    if (window === undefined) {
      if (this.#rx.size >= this.config.maxStreams) return this.#fail("stream-limit");
    } else if (this.config.replayProtection) {
      const verdict = window.check(index);
      if (verdict === 1) return this.#fail("replay");
      if (verdict === 2) return this.#fail("too-old");
    }
    const out = this.#cipher.unprotectRtcp(packet, trailerAt, ssrc, index, encrypted);
    if (out === undefined) return this.#fail("auth-failed");
    if (window === undefined) {
      const created = new ReplayWindow(this.config.replayWindowSize);
      created.accept(index);
      this.#rx.set(ssrc, created);
      this.#log.debug("new remote SRTCP stream", { ssrc, index });
    } else {
      window.accept(index);
    }
    this.#unprotected++;
    return out;
  }

  /** Forgets the send and receive state of `ssrc`. */
  removeStream(ssrc: number): void {
    this.#tx.delete(ssrc);
    this.#rx.delete(ssrc);
  }

  stats(): SrtpStats {
    return {
      protectedPackets: this.#protected,
      unprotectedPackets: this.#unprotected,
      remoteStreams: this.#rx.size,
      localStreams: this.#tx.size,
      failures: { ...this.#failures },
    };
  }

  #fail(reason: SrtpFailure): SrtpFailure {
    this.#failures[reason]++;
    return reason;
  }
}
