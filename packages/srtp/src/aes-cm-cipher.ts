import type { AesCtrContext, CryptoProvider, MacContext } from "@purertc/crypto";
import { tagMatches, writeSaltedIndex, writeU32 } from "./bytes.js";
import { swapExtensionHeader } from "./cryptex.js";
import type { SrtpSessionKeys } from "./key-derivation.js";
import { KeystreamCache } from "./keystream-cache.js";
import { takeOutput } from "./output-slab.js";

/**
 * AES-CM encryption (RFC 3711 §4.1.1; AES-256 per RFC 6188 §4) with HMAC-SHA1 authentication
 * (RFC 3711 §4.2), keyed once with the session keys of SRTP or of SRTCP.
 *
 * Per packet it makes the output array, one CTR pass in place over it and one HMAC; the counter
 * block, ROC and digest scratch are reused, and the tag is copied straight into the output.
 * SRTP keystream comes from a {@link KeystreamCache} (one backend call per several packets).
 */
export class AesCmCipher {
  readonly #ctr: AesCtrContext;
  readonly #mac: MacContext;
  readonly #tagLength: number;
  /** The counter block: salt bytes that never change are written once (RFC 3711 §4.1.1). */
  readonly #iv = new Uint8Array(16);
  readonly #salt: Uint8Array;
  readonly #roc = new Uint8Array(4);
  readonly #keystream: KeystreamCache;

  constructor(crypto: CryptoProvider, keys: SrtpSessionKeys, tagLength: number) {
    this.#ctr = crypto.createAesCtr(keys.encryptionKey);
    this.#mac = crypto.createHmac("sha1", keys.authKey);
    this.#tagLength = tagLength;
    this.#salt = keys.salt.slice();
    this.#iv.set(this.#salt);
    this.#keystream = new KeystreamCache(this.#ctr, this.#salt);
  }

  /**
   * IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16) (RFC 3711 §4.1.1): the SSRC lands in
   * bytes 4..7 and the 48-bit index `hi * 2^32 + lo` in bytes 8..13.
   */
  #setIv(ssrc: number, hi: number, lo: number): Uint8Array {
    writeSaltedIndex(this.#iv, this.#salt, 4, ssrc, hi, lo);
    return this.#iv;
  }

  /**
   * Encrypts or decrypts `input[from..to)`, the payload of SRTP packet `roc·2^16 + seq` of
   * `ssrc`, into `output[from..to)` (`output` may be `input`).
   */
  #cryptRtp(
    ssrc: number,
    roc: number,
    seq: number,
    input: Uint8Array,
    output: Uint8Array,
    from: number,
    to: number,
  ): void {
    const iv = this.#setIv(ssrc, roc >>> 16, ((roc & 0xffff) << 16) | seq);
    this.#keystream.xor(ssrc, roc * 0x10000 + seq, iv, input, output, from, to);
  }

  /** Drops the prefetched keystream of `ssrc` (the stream left the session). */
  removeStream(ssrc: number): void {
    this.#keystream.remove(ssrc);
  }

  #writeTag(digest: Uint8Array, out: Uint8Array, at: number): void {
    for (let i = 0; i < this.#tagLength; i++) out[at + i] = digest[i]!;
  }

  /**
   * `out[0..end)` = `packet[0..end)` with its encrypted portion transformed: the payload from
   * `headerLength`, or with cryptex (`csrc` ≥ 0, RFC 9335 §5) the CSRCs, the extension body and
   * the payload as one keystream run. The payload is XORed straight from `packet` into `out`
   * (no copy first).
   */
  #cryptPacket(
    packet: Uint8Array,
    out: Uint8Array,
    headerLength: number,
    end: number,
    ssrc: number,
    roc: number,
    seq: number,
    csrc: number,
  ): void {
    if (csrc < 0) {
      out.set(packet.subarray(0, headerLength));
      if (end > headerLength) this.#cryptRtp(ssrc, roc, seq, packet, out, headerLength, end);
      return;
    }
    out.set(packet.subarray(0, end));
    swapExtensionHeader(out, csrc, true);
    if (end > 16) this.#cryptRtp(ssrc, roc, seq, out, out, 16, end);
    swapExtensionHeader(out, csrc, false);
  }

  /**
   * SRTP packet (RFC 3711 §3.1): header ‖ E(payload) ‖ MKI ‖ tag, where the tag is
   * HMAC(header ‖ E(payload) ‖ ROC) and the MKI is not authenticated (§4.2). `csrc` ≥ 0 selects
   * cryptex (the packet already carries its 0xC0DE/0xC2DE extension, see `prepareCryptex`).
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
    const len = packet.byteLength;
    const mkiLength = mki === undefined ? 0 : mki.byteLength;
    const out = takeOutput(len + mkiLength + this.#tagLength);
    this.#cryptPacket(packet, out, headerLength, len, ssrc, roc, seq, csrc);
    if (mki !== undefined) out.set(mki, len);
    writeU32(this.#roc, 0, roc);
    this.#writeTag(this.#mac.compute(out.subarray(0, len), this.#roc), out, len + mkiLength);
    return out;
  }

  /**
   * Verifies and decrypts an SRTP packet whose authenticated portion ends at `end` (the MKI and
   * tag follow). Returns the plain RTP packet, or `undefined` when the tag does not match.
   * `csrc` ≥ 0: a cryptex packet with that many CSRC bytes.
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
    writeU32(this.#roc, 0, roc);
    const digest = this.#mac.compute(packet.subarray(0, end), this.#roc);
    const tagAt = packet.byteLength - this.#tagLength;
    if (!tagMatches(digest, packet, tagAt, this.#tagLength)) return undefined;
    const out = takeOutput(end);
    this.#cryptPacket(packet, out, headerLength, end, ssrc, roc, seq, csrc);
    return out;
  }

  /**
   * SRTCP packet (RFC 3711 §3.4): header(8) ‖ E(rest) ‖ E-flag+index ‖ MKI ‖ tag, the tag over
   * everything before the MKI. We always encrypt (E = 1).
   */
  protectRtcp(
    packet: Uint8Array,
    ssrc: number,
    index: number,
    mki: Uint8Array | undefined,
  ): Uint8Array {
    const len = packet.byteLength;
    const mkiLength = mki === undefined ? 0 : mki.byteLength;
    const out = new Uint8Array(len + 4 + mkiLength + this.#tagLength);
    out.set(packet);
    if (len > 8) {
      const body = out.subarray(8, len);
      this.#ctr.xor(this.#setIv(ssrc, 0, index), body, body);
    }
    writeU32(out, len, (0x80000000 | index) >>> 0);
    if (mki !== undefined) out.set(mki, len + 4);
    this.#writeTag(this.#mac.compute(out.subarray(0, len + 4)), out, len + 4 + mkiLength);
    return out;
  }

  /**
   * Verifies and (when `encrypted`) decrypts an SRTCP packet; `trailerAt` is the offset of the
   * E-flag+index word. Returns the plain compound RTCP packet or `undefined` on a tag mismatch.
   */
  unprotectRtcp(
    packet: Uint8Array,
    trailerAt: number,
    ssrc: number,
    index: number,
    encrypted: boolean,
  ): Uint8Array | undefined {
    const digest = this.#mac.compute(packet.subarray(0, trailerAt + 4));
    const tagAt = packet.byteLength - this.#tagLength;
    if (!tagMatches(digest, packet, tagAt, this.#tagLength)) return undefined;
    const out = packet.slice(0, trailerAt);
    if (encrypted && trailerAt > 8) {
      const body = out.subarray(8);
      this.#ctr.xor(this.#setIv(ssrc, 0, index), body, body);
    }
    return out;
  }
}
