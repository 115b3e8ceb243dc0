import type { CipherSuiteName } from "./cipher-suites.js";

/** Why a DTLS association failed. */
export type DtlsFailureReason =
  /** The peer certificate's fingerprint matched none of the expected ones (RFC 8122 §5). */
  | "fingerprint-mismatch"
  /** The peer certificate could not be parsed or has an unsupported key. */
  | "bad-certificate"
  /** A signature (ServerKeyExchange, CertificateVerify) or Finished did not verify. */
  | "verification-failed"
  /** No cipher suite, group, signature algorithm or required extension in common. */
  | "negotiation-failed"
  /** The peer broke the protocol (unexpected or malformed handshake message). */
  | "protocol-violation"
  /** The peer sent a fatal alert. */
  | "peer-alert"
  /** The handshake did not complete within `handshakeTimeoutMs`. */
  | "handshake-timeout"
  /** A local fault (invalid peer key material, exhausted sequence numbers). */
  | "internal";

/** Events drained with `pollEvent()`. */
export type DtlsEvent =
  | {
      readonly type: "connected";
      readonly cipherSuite: CipherSuiteName;
      readonly cipherSuiteId: number;
      /** The negotiated use_srtp profile (RFC 5764 §4.1.2), if any. */
      readonly srtpProfile: number | undefined;
      /** The MKI the server echoed in use_srtp (usually empty). */
      readonly srtpMki: Uint8Array;
      /** The ECDHE group used (IANA NamedGroup). */
      readonly namedGroup: number;
      /**
       * The peer's leaf certificate (DER). `undefined` only on a server configured with
       * `requireClientCertificate: false` whose client sent none.
       */
      readonly peerCertificate: Uint8Array | undefined;
      /** The peer's whole chain as sent, leaf first. */
      readonly peerCertificateChain: readonly Uint8Array[];
    }
  | { readonly type: "data"; readonly data: Uint8Array }
  | { readonly type: "closed"; readonly initiator: "local" | "peer" }
  | {
      readonly type: "failed";
      readonly reason: DtlsFailureReason;
      /** The alert description involved (sent or received), if any. */
      readonly alert: number | undefined;
      readonly message: string;
    }
  /** An NSS key log line (only when `keyLog` is enabled). */
  | { readonly type: "keylog"; readonly line: string };
