import type { CryptoProvider } from "@purertc/crypto";
import type { SrtpProfileParameters } from "./profile.js";

/** A master key and master salt for one direction (RFC 3711 §3.2.1). */
export interface SrtpMasterKey {
  readonly masterKey: Uint8Array;
  readonly masterSalt: Uint8Array;
  /**
   * Master Key Identifier (RFC 3711 §3.1), carried in every packet protected with this key and
   * required in every packet verified with it. Absent or empty: no MKI field.
   */
  readonly mki?: Uint8Array;
}

/** Session keys for one of SRTP or SRTCP (RFC 3711 §4.3). */
export interface SrtpSessionKeys {
  readonly encryptionKey: Uint8Array;
  /** Empty for AEAD profiles (RFC 7714 §7.1: no separate authentication key). */
  readonly authKey: Uint8Array;
  readonly salt: Uint8Array;
}

/** Key derivation labels (RFC 3711 §4.3.1, §4.3.2). */
export const SRTP_LABEL = Object.freeze({
  rtpEncryption: 0x00,
  rtpAuth: 0x01,
  rtpSalt: 0x02,
  rtcpEncryption: 0x03,
  rtcpAuth: 0x04,
  rtcpSalt: 0x05,
});

/**
 * The AES-CM PRF of RFC 3711 §4.3.3 with key_derivation_rate 0 (§4.3.1: "r = index DIV
 * key_derivation_rate" is 0): the keystream of AES-CM keyed with the master key, starting at the
 * counter block `x * 2^16` where `x = (label << 48) XOR master_salt`. The 112-bit salt sits in
 * bytes 0..13, the label XORs into byte 7 and the block counter runs in bytes 14..15.
 *
 * For AES-256 master keys this is AES_256_CM_PRF (RFC 6188 §3). A 96-bit AEAD master salt is
 * multiplied by 2^16 first (RFC 7714 §11, errata 4938), i.e. padded with two zero bytes.
 */
export function srtpKdf(
  crypto: CryptoProvider,
  master: SrtpMasterKey,
  label: number,
  length: number,
): Uint8Array {
  const iv = new Uint8Array(16);
  iv.set(master.masterSalt);
  iv[7] = iv[7]! ^ label;
  return crypto.createAesCtr(master.masterKey).keystream(iv, length);
}

/** Checks key and salt lengths against the profile; throws `RangeError`. */
export function checkMasterKey(params: SrtpProfileParameters, master: SrtpMasterKey): void {
  if (master.masterKey.byteLength !== params.keyLength) {
    throw new RangeError(
      `SRTP: ${params.profile} needs a ${params.keyLength}-byte master key, got ${master.masterKey.byteLength}`,
    );
  }
  if (master.masterSalt.byteLength !== params.saltLength) {
    throw new RangeError(
      `SRTP: ${params.profile} needs a ${params.saltLength}-byte master salt, got ${master.masterSalt.byteLength}`,
    );
  }
}

/**
 * Derives the SRTP (`rtcp = false`) or SRTCP session keys of one direction (RFC 3711 §4.3.1,
 * KDR 0: derived once per master key).
 */
export function deriveSessionKeys(
  crypto: CryptoProvider,
  params: SrtpProfileParameters,
  master: SrtpMasterKey,
  rtcp: boolean,
): SrtpSessionKeys {
  checkMasterKey(params, master);
  const base = rtcp ? SRTP_LABEL.rtcpEncryption : SRTP_LABEL.rtpEncryption;
  return {
    encryptionKey: srtpKdf(crypto, master, base, params.keyLength),
    authKey:
      params.authKeyLength > 0
        ? srtpKdf(crypto, master, base + 1, params.authKeyLength)
        : new Uint8Array(0),
    salt: srtpKdf(crypto, master, base + 2, params.saltLength),
  };
}
