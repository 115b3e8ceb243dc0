import {
  type Logger,
  type Rng,
  type SocketAddress,
  secureRng,
  silentLogger,
} from "@purertc/common";
import { type CryptoProvider, isRsaKeyPair, type SigningKeyPair } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { ALL_CIPHER_SUITES, type CipherSuite, cipherSuiteParams } from "./cipher-suites.js";
import { NamedGroup } from "./constants.js";
import { SrtpProtectionProfile } from "./extensions/use-srtp.js";

/**
 * Our identity: a DER certificate and its key pair, ECDSA P-256 (the WebRTC default) or RSA
 * (what `generateCertificate` from `@purertc/crypto` returns). An RSA key makes a server choose
 * `TLS_ECDHE_RSA_*` suites and sign with `rsa_pkcs1_sha256`.
 */
export interface DtlsCertificate {
  readonly der: Uint8Array;
  readonly keyPair: SigningKeyPair;
}

/** An expected peer certificate fingerprint from SDP `a=fingerprint` (RFC 8122 §5). */
export interface DtlsFingerprint {
  /** Hash function name as in SDP: `sha-256`, `sha-1`, `sha-384`, `sha-512`, `sha-224`, `md5`. */
  readonly algorithm: string;
  /** Uppercase or lowercase hex bytes separated by colons. */
  readonly value: string;
}

export interface DtlsConfig {
  /** Client sends the ClientHello; server answers (RFC 5763 §5: set from SDP `a=setup`). */
  readonly role: "client" | "server";
  /** Our certificate and key (required). */
  readonly certificate: DtlsCertificate;
  /**
   * Fingerprints the peer certificate must match (any one). Empty: not known yet; the handshake
   * then runs but `connected` waits for {@link DtlsEndpoint.setRemoteFingerprints}.
   */
  readonly remoteFingerprints: readonly DtlsFingerprint[];
  /** Where to send datagrams; a server learns it from the first ClientHello when unset. */
  readonly remoteAddress: SocketAddress | undefined;
  /**
   * Largest handshake datagram we send, in bytes (UDP payload): flights are packed and
   * fragmented to fit it (RFC 6347 §4.1.1, §4.2.3). WebRTC stacks use 1200. Application data
   * is not cut to it: {@link DtlsEndpoint.send} puts each message in one record of up to 2^14.
   */
  readonly mtu: number;
  /** Suites we offer (client) or accept (server) in preference order. */
  readonly cipherSuites: readonly CipherSuite[];
  /** ECDHE groups in preference order (X25519 and P-256 by default; P-384 also available). */
  readonly namedGroups: readonly number[];
  /** use_srtp profiles in preference order (RFC 5764 §4.1.1); empty: no use_srtp. */
  readonly srtpProfiles: readonly number[];
  /** MKI to send in use_srtp (RFC 5764 §4.1.1; usually empty). */
  readonly srtpMki: Uint8Array;
  /** RFC 6347 §4.2.4.1: "Implementations SHOULD use an initial timer value of 1 second". */
  readonly initialRetransmitMs: number;
  /** RFC 6347 §4.2.4.1: back off "up to no less than the RFC 6298 maximum of 60 seconds". */
  readonly maxRetransmitMs: number;
  /** Give up on a handshake that has not completed after this long. */
  readonly handshakeTimeoutMs: number;
  /** Server: send HelloVerifyRequest with a stateless cookie (RFC 6347 §4.2.1). */
  readonly helloVerify: boolean;
  /** Server cookie HMAC secret; random when unset. */
  readonly cookieSecret: Uint8Array | undefined;
  /**
   * Server: demand a client certificate (WebRTC requires mutual authentication, RFC 8827 §6.5).
   * When `false`, a client without a certificate is accepted and there is nothing to fingerprint.
   */
  readonly requireClientCertificate: boolean;
  /** Emit `keylog` events with NSS key log lines (for Wireshark). Never enable in production. */
  readonly keyLog: boolean;
  /** Most handshake bytes buffered while reassembling (bounds memory spent on a hostile peer). */
  readonly maxHandshakeBufferBytes: number;
  readonly crypto: CryptoProvider;
  readonly rng: Rng;
  readonly logger: Logger;
}

/** Defaults; the values cite their RFCs on {@link DtlsConfig}. */
export const DEFAULT_DTLS_CONFIG: Readonly<
  Omit<DtlsConfig, "role" | "certificate" | "crypto" | "rng" | "logger">
> = Object.freeze({
  remoteFingerprints: [],
  remoteAddress: undefined,
  mtu: 1200,
  cipherSuites: ALL_CIPHER_SUITES,
  namedGroups: [NamedGroup.x25519, NamedGroup.secp256r1],
  srtpProfiles: [
    SrtpProtectionProfile.SRTP_AEAD_AES_256_GCM,
    SrtpProtectionProfile.SRTP_AEAD_AES_128_GCM,
    SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80,
    SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_32,
  ],
  srtpMki: new Uint8Array(0),
  initialRetransmitMs: 1000,
  maxRetransmitMs: 60_000,
  handshakeTimeoutMs: 30_000,
  helloVerify: true,
  cookieSecret: undefined,
  requireClientCertificate: true,
  keyLog: false,
  maxHandshakeBufferBytes: 65_536,
});

const SUPPORTED_GROUPS: readonly number[] = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
];

/** Merges `partial` over the defaults and validates it (throws `TypeError`/`RangeError`). */
export function resolveDtlsConfig(
  partial: Partial<DtlsConfig> & Pick<DtlsConfig, "role" | "certificate">,
): DtlsConfig {
  const c: DtlsConfig = {
    ...DEFAULT_DTLS_CONFIG,
    role: partial.role,
    certificate: partial.certificate,
    crypto: defaultCrypto,
    rng: partial.rng ?? secureRng(),
    logger: silentLogger,
    ...stripUndefined(partial),
  };
  if (c.role !== "client" && c.role !== "server")
    throw new TypeError(`role must be "client" or "server"`);
  const kp = c.certificate?.keyPair;
  if (!(c.certificate?.der instanceof Uint8Array) || kp === undefined || kp === null)
    throw new TypeError("certificate must have der bytes and a keyPair");
  if (isRsaKeyPair(kp)) {
    if (!(kp.privateKey?.n instanceof Uint8Array) || !(kp.privateKey.d instanceof Uint8Array))
      throw new TypeError("certificate RSA keyPair lacks its private key");
    if (kp.privateKey.n.byteLength < 128)
      throw new RangeError("certificate RSA key must have at least 1024 bits");
  } else {
    if (!(kp.privateKey instanceof Uint8Array))
      throw new TypeError("certificate must have der bytes and a keyPair");
    if (kp.curve !== "P-256") throw new RangeError("certificate key must be ECDSA P-256 or RSA");
  }
  if (!Number.isInteger(c.mtu) || c.mtu < 128 || c.mtu > 65_507)
    throw new RangeError(`mtu ${c.mtu} outside 128..65507`);
  if (c.cipherSuites.length === 0) throw new RangeError("cipherSuites is empty");
  for (const s of c.cipherSuites)
    if (!cipherSuiteParams(s)) throw new RangeError(`unsupported cipher suite ${s}`);
  if (c.namedGroups.length === 0) throw new RangeError("namedGroups is empty");
  for (const g of c.namedGroups)
    if (!SUPPORTED_GROUPS.includes(g)) throw new RangeError(`unsupported group ${g}`);
  const known: readonly number[] = Object.values(SrtpProtectionProfile);
  for (const p of c.srtpProfiles)
    if (!known.includes(p)) throw new RangeError(`unsupported SRTP profile ${p}`);
  if (c.srtpMki.byteLength > 255) throw new RangeError("srtpMki longer than 255 bytes");
  for (const [k, v] of [
    ["initialRetransmitMs", c.initialRetransmitMs],
    ["maxRetransmitMs", c.maxRetransmitMs],
    ["handshakeTimeoutMs", c.handshakeTimeoutMs],
  ] as const) {
    if (!Number.isFinite(v) || v <= 0) throw new RangeError(`${k} must be a positive number of ms`);
  }
  if (c.maxRetransmitMs < c.initialRetransmitMs)
    throw new RangeError("maxRetransmitMs < initialRetransmitMs");
  if (c.cookieSecret !== undefined && c.cookieSecret.byteLength < 16)
    throw new RangeError("cookieSecret shorter than 16 bytes");
  if (c.maxHandshakeBufferBytes < 4096) throw new RangeError("maxHandshakeBufferBytes below 4096");
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o))
    if (v !== undefined) (out as Record<string, unknown>)[k] = v;
  return out;
}
