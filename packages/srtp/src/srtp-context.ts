import type { Logger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import type { SrtpConfig } from "./config.js";
import { type DtlsRole, srtpKeysFromDtls } from "./dtls-keying.js";
import type { SrtpStats, UnprotectResult } from "./failure.js";
import type { SrtpMasterKey } from "./key-derivation.js";
import type { SrtpProfile } from "./profile.js";
import { SrtcpSession } from "./srtcp-session.js";
import { SrtpSession } from "./srtp-session.js";

/** Options of an {@link SrtpContext}: one profile, our send key and the peer's send key. */
export interface SrtpContextOptions {
  readonly profile: SrtpProfile;
  /** Protects what we send. */
  readonly local: SrtpMasterKey;
  /** Verifies what the peer sends. */
  readonly remote: SrtpMasterKey;
  readonly crypto: CryptoProvider;
  readonly config?: Partial<SrtpConfig>;
  readonly logger?: Logger;
}

/** Options of {@link SrtpContext.fromDtls}. */
export interface DtlsSrtpOptions {
  /** The negotiated profile (see `srtpProfileFromDtlsId`). */
  readonly profile: SrtpProfile;
  /** The exporter output for `EXTRACTOR-dtls_srtp` (`srtpKeyingMaterialLength(profile)` bytes). */
  readonly keyingMaterial: Uint8Array;
  /** Our DTLS role. */
  readonly role: DtlsRole;
  readonly crypto: CryptoProvider;
  readonly config?: Partial<SrtpConfig>;
  readonly logger?: Logger;
  /** The MKI from use_srtp, if one was negotiated (RFC 5764 §4.1.1). */
  readonly mki?: Uint8Array;
}

/**
 * Both directions of SRTP and SRTCP for one transport (a DTLS association or an SDES pair):
 * what a peer connection holds per bundle transport.
 */
export class SrtpContext {
  readonly profile: SrtpProfile;
  readonly #rtpOut: SrtpSession;
  readonly #rtpIn: SrtpSession;
  readonly #rtcpOut: SrtcpSession;
  readonly #rtcpIn: SrtcpSession;

  constructor(options: SrtpContextOptions) {
    const { profile, crypto, config, logger } = options;
    this.profile = profile;
    this.#rtpOut = new SrtpSession({ profile, key: options.local, crypto, config, logger });
    this.#rtpIn = new SrtpSession({ profile, key: options.remote, crypto, config, logger });
    this.#rtcpOut = new SrtcpSession({ profile, key: options.local, crypto, config, logger });
    this.#rtcpIn = new SrtcpSession({ profile, key: options.remote, crypto, config, logger });
  }

  /** Keys both directions from DTLS-SRTP (RFC 5764 §4.2) by our role. */
  static fromDtls(options: DtlsSrtpOptions): SrtpContext {
    const keys = srtpKeysFromDtls(options.profile, options.keyingMaterial, options.role);
    const mki = options.mki;
    return new SrtpContext({
      profile: options.profile,
      local: mki === undefined ? keys.local : { ...keys.local, mki },
      remote: mki === undefined ? keys.remote : { ...keys.remote, mki },
      crypto: options.crypto,
      config: options.config,
      logger: options.logger,
    });
  }

  /** Whether cryptex (RFC 9335) is on for RTP in both directions. */
  get cryptex(): boolean {
    return this.#rtpOut.cryptex;
  }

  /**
   * Turns cryptex (RFC 9335) on or off for RTP both ways, once the negotiation settled it (both
   * sides signalled `a=cryptex`, RFC 9335 §3); SRTCP is not affected (cryptex covers RTP
   * headers only).
   */
  setCryptex(enabled: boolean): void {
    this.#rtpOut.setCryptex(enabled);
    this.#rtpIn.setCryptex(enabled);
  }

  /** Protects an outgoing RTP packet (see {@link SrtpSession.protect}). */
  protectRtp(packet: Uint8Array): Uint8Array {
    return this.#rtpOut.protect(packet);
  }

  /** Unprotects an incoming SRTP packet; never throws. */
  unprotectRtp(packet: Uint8Array): UnprotectResult {
    return this.#rtpIn.unprotect(packet);
  }

  /** Protects an outgoing (compound) RTCP packet. */
  protectRtcp(packet: Uint8Array): Uint8Array {
    return this.#rtcpOut.protect(packet);
  }

  /** Unprotects an incoming SRTCP packet; never throws. */
  unprotectRtcp(packet: Uint8Array): UnprotectResult {
    return this.#rtcpIn.unprotect(packet);
  }

  /** Forgets all state of `ssrc` in both directions. */
  removeStream(ssrc: number): void {
    this.#rtpOut.removeStream(ssrc);
    this.#rtpIn.removeStream(ssrc);
    this.#rtcpOut.removeStream(ssrc);
    this.#rtcpIn.removeStream(ssrc);
  }

  /** Counters: `rtp`/`rtcp` each merge the send and receive sessions. */
  stats(): { readonly rtp: SrtpStats; readonly rtcp: SrtpStats } {
    return {
      rtp: merge(this.#rtpOut.stats(), this.#rtpIn.stats()),
      rtcp: merge(this.#rtcpOut.stats(), this.#rtcpIn.stats()),
    };
  }
}

function merge(out: SrtpStats, inn: SrtpStats): SrtpStats {
  return {
    protectedPackets: out.protectedPackets,
    unprotectedPackets: inn.unprotectedPackets,
    remoteStreams: inn.remoteStreams,
    localStreams: out.localStreams,
    failures: inn.failures,
  };
}
