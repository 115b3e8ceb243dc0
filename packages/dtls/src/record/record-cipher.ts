import type { AeadContext } from "@purertc/crypto";
import { DTLS_1_2 } from "../constants.js";

/** How the per-record nonce is built. */
export type NonceScheme = "explicit-gcm" | "xor-chacha";

/**
 * AEAD protection of one direction of one epoch (RFC 5246 §6.2.3.3).
 *
 * - AES-GCM (RFC 5288 §3): nonce = 4-byte implicit salt ‖ 8-byte explicit nonce carried at the
 *   front of each record; we send `epoch ‖ sequence_number` as the explicit part, which is unique.
 * - ChaCha20-Poly1305 (RFC 7905 §2): nonce = 12-byte IV XOR the left-padded 64-bit
 *   `epoch ‖ sequence_number`; nothing explicit on the wire.
 *
 * AAD (RFC 6347 §4.1.2.1 with RFC 5246 §6.2.3.3):
 * `epoch(2) ‖ sequence_number(6) ‖ type(1) ‖ version(2) ‖ length(2)` of the plaintext.
 *
 * The nonce and AAD buffers are reused across records (no per-record allocation besides the
 * AEAD output).
 */
export class RecordCipher {
  readonly #aead: AeadContext;
  readonly #scheme: NonceScheme;
  readonly #iv: Uint8Array;
  readonly #nonce = new Uint8Array(12);
  /** The explicit part of a GCM nonce (its last 8 bytes), a view made once. */
  readonly #nonceExplicit = this.#nonce.subarray(4);
  readonly #aad = new Uint8Array(13);
  /** `epoch ‖ sequence_number`, the first 8 bytes of the AAD, a view made once. */
  readonly #aadSequence = this.#aad.subarray(0, 8);
  readonly #aadView = new DataView(this.#aad.buffer);
  readonly #explicitLength: number;

  constructor(aead: AeadContext, scheme: NonceScheme, iv: Uint8Array) {
    if (scheme === "explicit-gcm" && iv.byteLength !== 4)
      throw new RangeError("AES-GCM salt must be 4 bytes");
    if (scheme === "xor-chacha" && iv.byteLength !== 12)
      throw new RangeError("ChaCha20 IV must be 12 bytes");
    this.#aead = aead;
    this.#scheme = scheme;
    this.#iv = iv.slice();
    this.#explicitLength = scheme === "explicit-gcm" ? 8 : 0;
  }

  /** Bytes added to every record: explicit nonce (GCM only) plus the 16-byte tag. */
  get overhead(): number {
    return this.#explicitLength + this.#aead.tagLength;
  }

  #prepare(contentType: number, version: number, epoch: number, seq: number, length: number): void {
    const aad = this.#aadView;
    aad.setUint16(0, epoch);
    aad.setUint16(2, Math.floor(seq / 2 ** 32));
    aad.setUint32(4, seq >>> 0);
    aad.setUint8(8, contentType);
    aad.setUint16(9, version);
    aad.setUint16(11, length);
    const nonce = this.#nonce;
    if (this.#scheme === "explicit-gcm") {
      nonce.set(this.#iv, 0);
      nonce.set(this.#aadSequence, 4);
    } else {
      nonce.set(this.#iv, 0);
      for (let i = 0; i < 8; i++) nonce[4 + i]! ^= this.#aad[i]!;
    }
  }

  /** Length of the protected fragment for a plaintext of `length` bytes. */
  sealedLength(length: number): number {
    return length + this.overhead;
  }

  /**
   * Protects `plaintext` and writes the record fragment (explicit nonce, ciphertext, tag) into
   * `out` at `offset`; returns the offset after it.
   */
  sealInto(
    contentType: number,
    epoch: number,
    seq: number,
    plaintext: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): number {
    this.#prepare(contentType, DTLS_1_2, epoch, seq, plaintext.byteLength);
    let at = offset;
    if (this.#explicitLength > 0) {
      out.set(this.#nonceExplicit, at);
      at += 8;
    }
    return at + this.#aead.sealInto(this.#nonce, plaintext, this.#aad, out, at);
  }

  /** Authenticates and decrypts a record fragment; `undefined` when it does not authenticate. */
  open(
    contentType: number,
    version: number,
    epoch: number,
    seq: number,
    fragment: Uint8Array,
  ): Uint8Array | undefined {
    const plainLength = fragment.byteLength - this.overhead;
    if (plainLength < 0) return undefined;
    this.#prepare(contentType, version, epoch, seq, plainLength);
    let body = fragment;
    if (this.#explicitLength > 0) {
      this.#nonce.set(fragment.subarray(0, 8), 4);
      body = fragment.subarray(8);
    }
    return this.#aead.open(this.#nonce, body, this.#aad);
  }
}
