/**
 * Message integrity (RFC 8489 §9, §14.5, §14.6) and FINGERPRINT (§14.7).
 *
 * A {@link StunIntegrityKey} holds the key and its keyed HMAC contexts, created once and reused
 * for every message: signing and verifying allocate nothing but the digest the provider returns.
 */
import { crc32, utf8Encode } from "@purertc/common";
import { type CryptoProvider, type MacContext, Sha1Hmac } from "@purertc/crypto";
import {
  FINGERPRINT_XOR,
  MAGIC_COOKIE,
  STUN_HEADER_LENGTH,
  StunAttributeType,
} from "./constants.js";
import type { DecodedStunMessage } from "./message.js";

/** Which integrity attribute: MESSAGE-INTEGRITY (HMAC-SHA1) or MESSAGE-INTEGRITY-SHA256. */
export type StunIntegrityAlgorithm = "sha1" | "sha256";

/**
 * How a password (and realm) is prepared before it is keyed: `"opaque-string"` is RFC 8489's
 * OpaqueString profile (RFC 8265 §4.2), `"saslprep"` RFC 5389's SASLprep (RFC 4013, what RFC
 * 5769 §2.4 uses), `"none"` takes the text as is.
 */
export type StunPasswordPreparation = "opaque-string" | "saslprep" | "none";

/** RFC 3454 B.1 "commonly mapped to nothing". */
const MAPPED_TO_NOTHING =
  // biome-ignore lint/suspicious/noMisleadingCharacterClass: RFC 3454 B.1 lists these variation selectors on their own.
  /[\u00ad\u034f\u1806\u180b-\u180d\u200b-\u200d\u2060\ufe00-\ufe0f\ufeff]/g;
/** Non-ASCII space separators (RFC 3454 C.1.2, RFC 8265 §4.2.1 additional mapping). */
const NON_ASCII_SPACE = /[\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000]/g;
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it rejects.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

/** Prepares a password or realm (see {@link StunPasswordPreparation}). */
export function preparePassword(s: string, how: StunPasswordPreparation = "opaque-string"): string {
  if (how === "none" || PRINTABLE_ASCII.test(s)) return s;
  const out =
    how === "saslprep"
      ? s.replace(MAPPED_TO_NOTHING, "").replace(NON_ASCII_SPACE, " ").normalize("NFKC")
      : s.replace(NON_ASCII_SPACE, " ").normalize("NFC");
  if (CONTROL.test(out)) throw new TypeError("STUN password contains control characters");
  return out;
}

/** Options of {@link StunIntegrityKey.longTerm}. */
export interface LongTermCredentialOptions {
  readonly username: string;
  readonly realm: string;
  readonly password: string;
  /** RFC 8489 §18.5: MD5 (default, RFC 5389) or SHA-256 key derivation. */
  readonly passwordAlgorithm?: "md5" | "sha256";
  readonly preparation?: StunPasswordPreparation;
}

/**
 * A STUN integrity key with cached HMAC contexts. Create one per credential and reuse it: an
 * ICE agent keeps one per (local or remote) password, a TURN client one per allocation.
 */
export class StunIntegrityKey {
  /** The HMAC key bytes. */
  readonly key: Uint8Array;
  readonly #crypto: CryptoProvider;
  #sha1: MacContext | undefined;
  #sha256: MacContext | undefined;
  #incremental: Sha1Hmac | undefined | null;

  private constructor(key: Uint8Array, crypto: CryptoProvider) {
    this.key = key;
    this.#crypto = crypto;
  }

  /** A key from raw bytes (e.g. a long-term key stored by a TURN server). */
  static fromKey(key: Uint8Array, crypto: CryptoProvider): StunIntegrityKey {
    return new StunIntegrityKey(key.slice(), crypto);
  }

  /** RFC 8489 §9.1.1: short-term credential, key = OpaqueString(password) (ICE uses this). */
  static shortTerm(
    password: string,
    crypto: CryptoProvider,
    preparation: StunPasswordPreparation = "opaque-string",
  ): StunIntegrityKey {
    return new StunIntegrityKey(utf8Encode(preparePassword(password, preparation)), crypto);
  }

  /**
   * RFC 8489 §9.2.2: long-term credential,
   * key = MD5(username ":" OpaqueString(realm) ":" OpaqueString(password)), or SHA-256 of the
   * same string when the PASSWORD-ALGORITHM is SHA-256.
   */
  static longTerm(opts: LongTermCredentialOptions, crypto: CryptoProvider): StunIntegrityKey {
    const prep = opts.preparation ?? "opaque-string";
    const text = `${opts.username}:${preparePassword(opts.realm, prep)}:${preparePassword(opts.password, prep)}`;
    const alg = opts.passwordAlgorithm ?? "md5";
    if (alg !== "md5" && alg !== "sha256")
      throw new TypeError(`unknown password algorithm ${String(alg)}`);
    return new StunIntegrityKey(crypto.hash(alg, utf8Encode(text)), crypto);
  }

  /** The keyed HMAC for one integrity attribute, created on first use and then reused. */
  mac(algorithm: StunIntegrityAlgorithm): MacContext {
    if (algorithm === "sha1") {
      this.#sha1 ??= this.#crypto.createHmac("sha1", this.key);
      return this.#sha1;
    }
    this.#sha256 ??= this.#crypto.createHmac("sha256", this.key);
    return this.#sha256;
  }

  /**
   * The allocation-free incremental HMAC-SHA1 for a message of `length` bytes, when the provider
   * is one of the built-in ones: both compute HMAC-SHA1 of messages up to
   * {@link INCREMENTAL_SHA1_MAX_BYTES} with this same JavaScript code, so the result and the
   * behaviour are theirs. `undefined` for other providers (their `createHmac` is used).
   */
  incrementalSha1(length: number): Sha1Hmac | undefined {
    if (length > INCREMENTAL_SHA1_MAX_BYTES) return undefined;
    if (this.#incremental === undefined) {
      const name = this.#crypto.name;
      this.#incremental = name === "node" || name === "noble" ? new Sha1Hmac(this.key) : null;
    }
    return this.#incremental ?? undefined;
  }
}

/**
 * The node backend hands HMAC-SHA1 of up to 1024 bytes to the JavaScript implementation (and
 * longer messages to OpenSSL); the noble backend always uses it.
 */
const INCREMENTAL_SHA1_MAX_BYTES = 1024;

/** What an encoder appends after the attributes. */
export interface StunSignOptions {
  /** Appends MESSAGE-INTEGRITY (and/or -SHA256, see `integrityAlgorithm`) with this key. */
  readonly integrity?: StunIntegrityKey;
  /** Default `"sha1"`; `"both"` appends MESSAGE-INTEGRITY then MESSAGE-INTEGRITY-SHA256. */
  readonly integrityAlgorithm?: StunIntegrityAlgorithm | "both";
  /** Appends FINGERPRINT (RFC 8489 §14.7); ICE requires it (RFC 8445 §7.2.2). */
  readonly fingerprint?: boolean;
}

/** Bytes the trailer of `options` adds. */
export function signedTrailerLength(options: StunSignOptions | undefined): number {
  if (!options) return 0;
  let n = options.fingerprint ? 8 : 0;
  if (options.integrity) {
    const alg = options.integrityAlgorithm ?? "sha1";
    if (alg !== "sha256") n += 24;
    if (alg !== "sha1") n += 36;
  }
  return n;
}

function setLength(buf: Uint8Array, start: number, length: number): void {
  buf[start + 2] = length >>> 8;
  buf[start + 3] = length & 0xff;
}

function writeU32(buf: Uint8Array, o: number, v: number): void {
  buf[o] = v >>> 24;
  buf[o + 1] = (v >>> 16) & 0xff;
  buf[o + 2] = (v >>> 8) & 0xff;
  buf[o + 3] = v & 0xff;
}

function appendMac(
  buf: Uint8Array,
  start: number,
  o: number,
  mac: MacContext,
  type: number,
): number {
  const len = mac.outputLength;
  setLength(buf, start, o - start - STUN_HEADER_LENGTH + 4 + len);
  const digest = mac.compute(buf.subarray(start, o));
  writeU32(buf, o, (type << 16) | len);
  buf.set(digest, o + 4);
  return o + 4 + len;
}

/** {@link appendMac} for MESSAGE-INTEGRITY with the incremental HMAC (no digest array). */
function appendSha1(buf: Uint8Array, start: number, o: number, hmac: Sha1Hmac): number {
  setLength(buf, start, o - start - STUN_HEADER_LENGTH + 24);
  writeU32(buf, o, (StunAttributeType.MessageIntegrity << 16) | 20);
  hmac
    .reset()
    .update(buf, start, o)
    .digestInto(buf, o + 4);
  return o + 24;
}

/**
 * Appends the integrity attributes and FINGERPRINT of `options` to the message that starts at
 * `start` and whose attributes end at `o`; returns the new end. The header length is fixed up
 * for each attribute as RFC 8489 §14.5-§14.7 require.
 */
export function writeSignedTrailer(
  buf: Uint8Array,
  start: number,
  end: number,
  options: StunSignOptions,
): number {
  let o = end;
  const key = options.integrity;
  if (key) {
    const alg = options.integrityAlgorithm ?? "sha1";
    if (alg !== "sha256") {
      const fast = key.incrementalSha1(o - start);
      o = fast
        ? appendSha1(buf, start, o, fast)
        : appendMac(buf, start, o, key.mac("sha1"), StunAttributeType.MessageIntegrity);
    }
    if (alg !== "sha1") {
      o = appendMac(buf, start, o, key.mac("sha256"), StunAttributeType.MessageIntegritySha256);
    }
  }
  if (options.fingerprint) {
    setLength(buf, start, o - start - STUN_HEADER_LENGTH + 8);
    const crc = (crc32(buf, start, o) ^ FINGERPRINT_XOR) >>> 0;
    writeU32(buf, o, (StunAttributeType.Fingerprint << 16) | 4);
    writeU32(buf, o + 4, crc);
    o += 8;
  }
  return o;
}

/** The header with the length field fixed up, for the HMAC of an integrity attribute. */
const headerScratch = new Uint8Array(STUN_HEADER_LENGTH);

/** Where {@link walkAttributes} found things: offsets of attribute headers, -1 for none. */
const walk = { integrity: -1, last: -1 };

/**
 * Walks the attribute headers of `raw` (a whole message whose header length matches) and fills
 * {@link walk}: the integrity attribute to check (`"auto"` picks MESSAGE-INTEGRITY-SHA256 when
 * present; none after FINGERPRINT counts) and the last attribute. `false` when an attribute
 * overruns the message.
 */
function walkAttributes(raw: Uint8Array, algorithm: StunIntegrityAlgorithm | "auto"): boolean {
  const n = raw.length;
  let mi = -1;
  let found = -1;
  let done = false;
  let last = -1;
  let off = STUN_HEADER_LENGTH;
  while (off < n) {
    if (off + 4 > n) return false;
    const type = (raw[off]! << 8) | raw[off + 1]!;
    const next = off + 4 + ((((raw[off + 2]! << 8) | raw[off + 3]!) + 3) & ~3);
    if (next > n) return false;
    if (!done) {
      if (type === StunAttributeType.MessageIntegrity && mi < 0) {
        mi = off;
        if (algorithm === "sha1") {
          found = off;
          done = true;
        }
      } else if (type === StunAttributeType.MessageIntegritySha256) {
        found = algorithm === "sha1" ? mi : off;
        done = true;
      } else if (type === StunAttributeType.Fingerprint) done = true;
    }
    last = off;
    off = next;
  }
  walk.integrity = found >= 0 ? found : algorithm === "sha256" ? -1 : mi;
  walk.last = last;
  return true;
}

/**
 * Checks the integrity attribute at `off` of `raw` (RFC 8489 §14.5, §14.6): the HMAC covers
 * the message up to the attribute, with the header length counting through it. The comparison
 * with the received value is constant-time.
 */
function verifyIntegrityAt(raw: Uint8Array, off: number, key: StunIntegrityKey): boolean {
  if (off < 0) return false;
  const isSha1 = ((raw[off]! << 8) | raw[off + 1]!) === StunAttributeType.MessageIntegrity;
  const len = (raw[off + 2]! << 8) | raw[off + 3]!;
  if (isSha1 ? len !== 20 : len < 16 || len > 32) return false;
  const fast = isSha1 ? key.incrementalSha1(off) : undefined;
  if (fast) {
    // Type and fixed-up length, then the rest of the message straight from the input.
    const head = headerScratch;
    head[0] = raw[0]!;
    head[1] = raw[1]!;
    setLength(head, 0, off - STUN_HEADER_LENGTH + 4 + len);
    return fast
      .reset()
      .update(head, 0, 4)
      .update(raw, 4, off)
      .matches(raw, off + 4, 20);
  }
  const header = headerScratch;
  for (let i = 0; i < STUN_HEADER_LENGTH; i++) header[i] = raw[i]!;
  setLength(header, 0, off - STUN_HEADER_LENGTH + 4 + len);
  const digest = key
    .mac(isSha1 ? "sha1" : "sha256")
    .compute(header, raw.subarray(STUN_HEADER_LENGTH, off));
  const v = off + 4;
  let diff = 0;
  for (let i = 0; i < len; i++) diff |= digest[i]! ^ raw[v + i]!;
  return diff === 0;
}

/**
 * Verifies MESSAGE-INTEGRITY-SHA256 or MESSAGE-INTEGRITY (RFC 8489 §14.5, §14.6) with the length
 * fix-up: the HMAC covers the message up to the attribute with the header length counting
 * through it. `"auto"` (default) checks MESSAGE-INTEGRITY-SHA256 when present, else
 * MESSAGE-INTEGRITY. The comparison is constant-time. `false` when there is no such attribute.
 */
export function verifyMessageIntegrity(
  msg: DecodedStunMessage,
  key: StunIntegrityKey,
  algorithm: StunIntegrityAlgorithm | "auto" = "auto",
): boolean {
  return walkAttributes(msg.raw, algorithm) && verifyIntegrityAt(msg.raw, walk.integrity, key);
}

/** Options of {@link verifyStunMessage}. */
export interface StunVerifyOptions {
  /** Which integrity attribute to check; default `"auto"` (see {@link verifyMessageIntegrity}). */
  readonly algorithm?: StunIntegrityAlgorithm | "auto";
  /** Rejects a message without FINGERPRINT (ICE requires it, RFC 8445 §7.2.2). Default false. */
  readonly requireFingerprint?: boolean;
}

/**
 * Verifies the bytes of one STUN message without decoding it: the header and the attribute
 * layout must be well formed (what {@link decodeStunMessage} accepts), FINGERPRINT must be
 * valid when present (or required) and the integrity attribute must verify with `key`. For
 * servers and ICE agents that check many requests before reading their attributes.
 */
export function verifyStunMessage(
  bytes: Uint8Array,
  key: StunIntegrityKey,
  options?: StunVerifyOptions,
): boolean {
  const n = bytes.length;
  if (
    n < STUN_HEADER_LENGTH ||
    bytes[0]! & 0xc0 ||
    ((bytes[2]! << 8) | bytes[3]!) !== n - STUN_HEADER_LENGTH ||
    n & 3 ||
    ((bytes[4]! << 24) | (bytes[5]! << 16) | (bytes[6]! << 8) | bytes[7]!) !== MAGIC_COOKIE
  ) {
    return false;
  }
  if (!walkAttributes(bytes, options?.algorithm ?? "auto") || walk.integrity < 0) return false;
  const integrity = walk.integrity;
  const last = walk.last;
  if (((bytes[last]! << 8) | bytes[last + 1]!) === StunAttributeType.Fingerprint) {
    if (!verifyFingerprint(bytes)) return false;
  } else if (options?.requireFingerprint) return false;
  return verifyIntegrityAt(bytes, integrity, key);
}

/**
 * Verifies FINGERPRINT (RFC 8489 §14.7): it must be the last attribute and equal the CRC-32 of
 * everything before it XOR 0x5354554e. Accepts a decoded message or the bytes of one.
 */
export function verifyFingerprint(msg: DecodedStunMessage | Uint8Array): boolean {
  const raw = msg instanceof Uint8Array ? msg : msg.raw;
  const n = raw.length;
  if (n < STUN_HEADER_LENGTH + 8 || ((raw[2]! << 8) | raw[3]!) !== n - STUN_HEADER_LENGTH)
    return false;
  const fo = n - 8;
  if (raw[fo] !== 0x80 || raw[fo + 1] !== 0x28 || raw[fo + 2] !== 0 || raw[fo + 3] !== 4)
    return false;
  const got =
    ((raw[fo + 4]! << 24) | (raw[fo + 5]! << 16) | (raw[fo + 6]! << 8) | raw[fo + 7]!) >>> 0;
  return (crc32(raw, 0, fo) ^ FINGERPRINT_XOR) >>> 0 === got;
}

/** Whether the last attribute of the message is FINGERPRINT (valid or not). */
export function hasFingerprint(msg: DecodedStunMessage): boolean {
  const raw = msg.raw;
  const n = raw.length;
  let last = -1;
  for (let off = STUN_HEADER_LENGTH; off + 4 <= n; ) {
    last = off;
    off += 4 + ((((raw[off + 2]! << 8) | raw[off + 3]!) + 3) & ~3);
  }
  return last >= 0 && ((raw[last]! << 8) | raw[last + 1]!) === StunAttributeType.Fingerprint;
}
