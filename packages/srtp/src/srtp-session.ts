import { type Logger, silentLogger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { peekRtpSequenceNumber, peekRtpSsrc, rtpHeaderLength } from "@purertc/rtp";
import { resolveSrtpConfig, type SrtpConfig } from "./config.js";
import { cryptexCsrcLength, prepareCryptex, restoreProfile } from "./cryptex.js";
import {
  emptyFailures,
  type SrtpFailure,
  type SrtpStats,
  type UnprotectResult,
} from "./failure.js";
import { deriveSessionKeys, type SrtpMasterKey } from "./key-derivation.js";
import { createPacketCipher, type PacketCipher } from "./packet-cipher.js";
import { type SrtpProfile, srtpProfileParameters } from "./profile.js";
import { estimateRtpIndex, ReplayWindow } from "./replay-window.js";

/** Construction options of an {@link SrtpSession} or {@link SrtcpSession}. */
export interface SrtpSessionOptions {
  readonly profile: SrtpProfile;
  /** The master key (and optional MKI, RFC 3711 §3.1) this session protects or verifies with. */
  readonly key: SrtpMasterKey;
  readonly crypto: CryptoProvider;
  readonly config?: Partial<SrtpConfig>;
  readonly logger?: Logger;
}

/** Checks the optional MKI of a master key (RFC 3711 §3.1: "MKI ... variable length"). */
export function checkMki(key: SrtpMasterKey): Uint8Array | undefined {
  const mki = key.mki;
  if (mki === undefined || mki.byteLength === 0) return undefined;
  if (mki.byteLength > 128) throw new RangeError("SRTP: MKI longer than 128 bytes");
  return mki.slice();
}

/** `true` when `packet[at..]` starts with `mki`. */
export function mkiMatches(packet: Uint8Array, at: number, mki: Uint8Array): boolean {
  for (let i = 0; i < mki.byteLength; i++) if (packet[at + i] !== mki[i]) return false;
  return true;
}

/**
 * SRTP for RTP packets (RFC 3711 §3.3) under one master key: `protect` for what we send with it,
 * `unprotect` for what the peer sent with it. Per-SSRC state (the highest index, hence the ROC,
 * and the replay window) is created on the first packet of each SSRC, after it authenticates.
 *
 * Synchronous and allocation-lean: per packet, the output array and the crypto backend's own
 * buffers. `unprotect` never throws on remote input.
 */
export class SrtpSession {
  readonly profile: SrtpProfile;
  readonly config: SrtpConfig;
  readonly #cipher: PacketCipher;
  readonly #mki: Uint8Array | undefined;
  /** Bytes after the authenticated portion: MKI and (AES-CM) tag. */
  readonly #trailer: number;
  /** Minimum encrypted portion: the 16-byte GCM tag rides inside it (RFC 7714 §8.2). */
  readonly #minBody: number;
  readonly #tx = new Map<number, { top: number }>();
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
    const keys = deriveSessionKeys(options.crypto, params, options.key, false);
    this.#cipher = createPacketCipher(options.crypto, params, keys, false);
    const mkiLength = this.#mki?.byteLength ?? 0;
    this.#trailer = mkiLength + (params.cipher === "aes-cm" ? params.rtpTagLength : 0);
    this.#minBody = params.cipher === "aead" ? 16 : 0;
    this.#log = (options.logger ?? silentLogger).child("srtp");
  }

  /**
   * Protects one RTP packet (RFC 3711 §3.3) and returns the SRTP packet (a new array; `packet` is
   * not modified). The index comes from the sequence number and the stream's rollover counter.
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
    if (this.config.cryptex) {
      const c = prepareCryptex(packet);
      if (c !== undefined) {
        packet = c.packet;
        csrc = c.csrc;
        headerLength = rtpHeaderLength(packet);
      }
    }
    const ssrc = peekRtpSsrc(packet);
    const seq = peekRtpSequenceNumber(packet);
    let stream = this.#tx.get(ssrc);
    if (stream === undefined) {
      stream = { top: -1 };
      this.#tx.set(ssrc, stream);
    }
    const index = estimateRtpIndex(stream.top, seq);
    if (index > stream.top) stream.top = index;
    const out = this.#cipher.protectRtp(
      packet,
      headerLength,
      ssrc,
      Math.floor(index / 0x10000),
      seq,
      this.#mki,
      csrc,
    );
    this.#protected++;
    return out;
  }

  /**
   * Verifies, replay-checks and decrypts one SRTP packet (RFC 3711 §3.3). Returns the RTP packet
   * (a new array) or the reason it was dropped; never throws.
   */
  unprotect(packet: Uint8Array): UnprotectResult {
    const n = packet.byteLength;
    const end = n - this.#trailer;
    if (end < 12) return this.#fail("malformed");
    let headerLength: number;
    try {
      headerLength = rtpHeaderLength(packet);
    } catch {
      return this.#fail("malformed");
    }
    if (end - headerLength < this.#minBody) return this.#fail("malformed");
    const mki = this.#mki;
    if (mki !== undefined && !mkiMatches(packet, end, mki)) return this.#fail("unknown-mki");
    const ssrc = peekRtpSsrc(packet);
    const seq = peekRtpSequenceNumber(packet);
    const window = this.#rx.get(ssrc);
    let index: number;
    if (window === undefined) {
      if (this.#rx.size >= this.config.maxStreams) return this.#fail("stream-limit");
      index = seq;
    } else {
      const top = window.top;
      index = estimateRtpIndex(top, seq);
      if (this.config.replayProtection) {
        const verdict = window.check(index);
        if (verdict === 1) return this.#fail("replay");
        if (verdict === 2) return this.#fail("too-old");
      }
    }
    const roc = Math.floor(index / 0x10000);
    const csrc = this.config.cryptex ? cryptexCsrcLength(packet) : -1;
    const out = this.#cipher.unprotectRtp(packet, headerLength, end, ssrc, roc, seq, csrc);
    if (out === undefined) return this.#fail("auth-failed");
    if (csrc >= 0) restoreProfile(out, csrc);
    if (window === undefined) {
      const created = new ReplayWindow(this.config.replayWindowSize);
      created.accept(index);
      this.#rx.set(ssrc, created);
      this.#log.debug("new remote SRTP stream", { ssrc, seq });
    } else {
      window.accept(index);
    }
    this.#unprotected++;
    return out;
  }

  /** The rollover counter of a local (`"local"`) or remote stream, if it exists (RFC 3711 §3.2.1). */
  rolloverCounter(ssrc: number, side: "local" | "remote"): number | undefined {
    const top = side === "local" ? this.#tx.get(ssrc)?.top : this.#rx.get(ssrc)?.top;
    return top === undefined || top < 0 ? undefined : Math.floor(top / 0x10000);
  }

  /** Forgets the send and receive state of `ssrc` (e.g. when the SSRC leaves the session). */
  removeStream(ssrc: number): void {
    this.#tx.delete(ssrc);
    this.#rx.delete(ssrc);
    this.#cipher.removeStream(ssrc);
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
