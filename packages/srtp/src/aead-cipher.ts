import type { AeadContext, CryptoProvider } from "@purertc/crypto";
import { writeSaltedIndex, writeU32 } from "./bytes.js";
import { swapExtensionHeader } from "./cryptex.js";
import type { SrtpSessionKeys } from "./key-derivation.js";
import { takeOutput } from "./output-slab.js";

/** AES-GCM tag length (RFC 7714 §12: 16 octets; §13.2: it MUST NOT be truncated). */
const TAG = 16;

/**
 * AEAD_AES_128_GCM / AEAD_AES_256_GCM for SRTP and SRTCP (RFC 7714), keyed once with the
 * session key and salt of SRTP or of SRTCP. The nonce and SRTCP associated-data buffers are reused.
 */
export class AeadCipher {
  readonly #aead: AeadContext;
  readonly #salt: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  /** SRTCP AAD when encrypting: the 8-octet header and the E-flag+index word (RFC 7714 §9.3). */
  readonly #rtcpAad = new Uint8Array(12);

  constructor(crypto: CryptoProvider, keys: SrtpSessionKeys) {
    const algorithm = keys.encryptionKey.byteLength === 32 ? "aes-256-gcm" : "aes-128-gcm";
    this.#aead = crypto.createAead(algorithm, keys.encryptionKey);
    this.#salt = keys.salt.slice();
    this.#nonce.set(this.#salt);
  }

  /**
   * SRTP IV (RFC 7714 §8.1):
   *
   * ```
   *   0  1  2  3  4  5  6  7  8  9 10 11
   * +--+--+--+--+--+--+--+--+--+--+--+--+
   * |00|00|    SSRC   |     ROC   | SEQ |---+
   * +--+--+--+--+--+--+--+--+--+--+--+--+   |
   * |         Encryption Salt           |->(+)
   * ```
   *
   * The SRTCP IV (§9.1) is `00 00 ‖ SSRC ‖ 00 00 ‖ 0 ‖ SRTCP index`: `hi` is the 16 bits
   * at bytes 6..7 (ROC high half, or 0) and `lo` the 32 bits at bytes 8..11.
   */
  #setNonce(ssrc: number, hi: number, lo: number): Uint8Array {
    writeSaltedIndex(this.#nonce, this.#salt, 2, ssrc, hi, lo);
    return this.#nonce;
  }

  /** Nothing is kept per stream. */
  removeStream(_ssrc: number): void {}

  /**
   * SRTP packet (RFC 7714 §8.2): the header is the associated data, the payload the plaintext;
   * output header ‖ ciphertext ‖ tag ‖ MKI (the MKI follows the tag, as libsrtp writes it).
   */
  protectRtp(
    packet: Uint8Array,
    headerLength: number,
    ssrc: number,
    roc: number,
    seq: number,
    mki: Uint8Array | undefined,
    csrc = -1,
  ): Uint8Array {
    const nonce = this.#setNonce(ssrc, roc >>> 16, ((roc & 0xffff) << 16) | seq);
    // RFC 9335 §5.2: with cryptex the AAD is the fixed header and the extension header only.
    const aadLength = csrc < 0 ? headerLength : 16;
    let src = packet;
    if (csrc > 0) {
      src = packet.slice();
      swapExtensionHeader(src, csrc, true);
    }
    const header = src.subarray(0, aadLength);
    const payload = src.subarray(aadLength);
    const sealedLength = payload.byteLength + TAG;
    const out = takeOutput(aadLength + sealedLength + (mki?.byteLength ?? 0));
    out.set(header);
    this.#aead.sealInto(nonce, payload, header, out, aadLength);
    if (csrc > 0) swapExtensionHeader(out, csrc, false);
    if (mki !== undefined) out.set(mki, aadLength + sealedLength);
    return out;
  }

  /**
   * Opens `packet[headerLength..end]` (ciphertext ‖ tag); `undefined` when authentication fails.
   * `csrc` ≥ 0: a cryptex packet (RFC 9335 §5.2) with that many CSRC bytes.
   */
  unprotectRtp(
    packet: Uint8Array,
    headerLength: number,
    end: number,
    ssrc: number,
    roc: number,
    seq: number,
    csrc = -1,
  ): Uint8Array | undefined {
    const aadLength = csrc < 0 ? headerLength : 16;
    if (end - aadLength < TAG) return undefined;
    const nonce = this.#setNonce(ssrc, roc >>> 16, ((roc & 0xffff) << 16) | seq);
    let src = packet;
    if (csrc > 0) {
      src = packet.slice(0, end);
      swapExtensionHeader(src, csrc, true);
    }
    const header = src.subarray(0, aadLength);
    const out = takeOutput(end - TAG);
    if (this.#aead.openInto(nonce, src.subarray(aadLength, end), header, out, aadLength) < 0) {
      return undefined;
    }
    out.set(header);
    if (csrc > 0) swapExtensionHeader(out, csrc, false);
    return out;
  }

  /**
   * SRTCP packet with encryption (RFC 7714 §9.2, §9.3): AAD = header(8) ‖ E-flag+index;
   * output header ‖ ciphertext ‖ tag ‖ E-flag+index ‖ MKI.
   */
  protectRtcp(
    packet: Uint8Array,
    ssrc: number,
    index: number,
    mki: Uint8Array | undefined,
  ): Uint8Array {
    const word = (0x80000000 | index) >>> 0;
    const aad = this.#rtcpAad;
    for (let i = 0; i < 8; i++) aad[i] = packet[i]!;
    writeU32(aad, 8, word);
    const sealedLength = packet.byteLength - 8 + TAG;
    const out = new Uint8Array(8 + sealedLength + 4 + (mki?.byteLength ?? 0));
    out.set(packet.subarray(0, 8));
    this.#aead.sealInto(this.#setNonce(ssrc, 0, index), packet.subarray(8), aad, out, 8);
    writeU32(out, 8 + sealedLength, word);
    if (mki !== undefined) out.set(mki, 12 + sealedLength);
    return out;
  }

  /**
   * Verifies (and decrypts when `encrypted`) an SRTCP packet whose E-flag+index word is at
   * `trailerAt`, right after the tag. Without encryption (E = 0) the whole RTCP packet and the
   * index word are the AAD and only the tag is computed (RFC 7714 §9.3, §17.3).
   */
  unprotectRtcp(
    packet: Uint8Array,
    trailerAt: number,
    ssrc: number,
    index: number,
    encrypted: boolean,
  ): Uint8Array | undefined {
    if (trailerAt - 8 < TAG) return undefined;
    const nonce = this.#setNonce(ssrc, 0, index);
    const trailer = packet.subarray(trailerAt, trailerAt + 4);
    if (encrypted) {
      const aad = this.#rtcpAad;
      for (let i = 0; i < 8; i++) aad[i] = packet[i]!;
      aad.set(trailer, 8);
      const out = new Uint8Array(trailerAt - TAG);
      if (this.#aead.openInto(nonce, packet.subarray(8, trailerAt), aad, out, 8) < 0)
        return undefined;
      out.set(packet.subarray(0, 8));
      return out;
    }
    const plainEnd = trailerAt - TAG;
    const aad = new Uint8Array(plainEnd + 4);
    aad.set(packet.subarray(0, plainEnd));
    aad.set(trailer, plainEnd);
    const ok = this.#aead.open(nonce, packet.subarray(plainEnd, trailerAt), aad);
    return ok === undefined ? undefined : packet.slice(0, plainEnd);
  }
}
