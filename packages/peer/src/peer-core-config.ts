/** Configuration of {@link PeerCore}. */
import { type Logger, type Rng, secureRng, silentLogger } from "@purertc/common";
import { type CryptoProvider, nobleCrypto } from "@purertc/crypto";
import type { DtlsCertificate, DtlsConfig } from "@purertc/dtls";
import type { IceAgentConfig, IceRole } from "@purertc/ice";
import type { SctpConfig } from "@purertc/sctp";
import type { MediaSessionConfig } from "./media/media-session.js";

export interface PeerCoreConfig {
  /** JSEP: the offerer is ICE controlling (RFC 8829 §5.2.1, RFC 8445 §6.1.1). */
  readonly iceRole: IceRole;
  /** Our DTLS certificate (ECDSA P-256), whose fingerprint goes into the SDP. */
  readonly certificate: DtlsCertificate;
  /** ICE agent settings (credentials, STUN servers, policy, mDNS...). */
  readonly ice: Partial<IceAgentConfig>;
  /**
   * DTLS settings other than role, certificate and fingerprints. `helloVerify` defaults to
   * `false` here (ICE has already verified the client's address; see RFC 6347 §4.2.1).
   */
  readonly dtls: Partial<Omit<DtlsConfig, "role" | "certificate" | "remoteFingerprints">>;
  /** SCTP association settings other than ports and the peer's max-message-size. */
  readonly sctp: Partial<SctpConfig>;
  /** RTP/RTCP settings (report intervals, NACK timing). */
  readonly media: Partial<MediaSessionConfig>;
  /** RTCP CNAME (RFC 7022: random per peer connection); generated from `rng` when absent. */
  readonly cname: string;
  /**
   * DTLS datagrams kept while the DTLS endpoint does not exist yet (a ClientHello that overtakes
   * the answer) or while ICE has no selected pair to send ours on. Bounded against floods.
   */
  readonly maxHeldDatagrams: number;
  readonly crypto: CryptoProvider;
  readonly rng: Rng;
  readonly logger: Logger;
}

/** Defaults (the portable crypto backend: the Node adapter passes node:crypto). */
export const DEFAULT_PEER_CORE_CONFIG: Readonly<
  Omit<PeerCoreConfig, "iceRole" | "certificate" | "rng" | "cname">
> = Object.freeze({
  ice: Object.freeze({}),
  media: Object.freeze({}),
  dtls: Object.freeze({}),
  sctp: Object.freeze({}),
  maxHeldDatagrams: 64,
  crypto: nobleCrypto,
  logger: silentLogger,
});

/** RFC 7022 §4.2: a random CNAME of at least 96 bits (20 base-32 characters: 100 bits). */
function randomCname(rng: Rng): string {
  const abc = "abcdefghijklmnopqrstuvwxyz234567";
  let s = "";
  for (let i = 0; i < 20; i++) s += abc[rng.nextU32() & 31];
  return s;
}

/** Merges `partial` over the defaults and validates the result. */
export function resolvePeerCoreConfig(
  partial: Partial<PeerCoreConfig> & Pick<PeerCoreConfig, "iceRole" | "certificate">,
): PeerCoreConfig {
  const rng = partial.rng ?? secureRng();
  const c: PeerCoreConfig = {
    ...DEFAULT_PEER_CORE_CONFIG,
    rng,
    cname: partial.cname ?? randomCname(rng),
    ...partial,
  };
  if (c.iceRole !== "controlling" && c.iceRole !== "controlled")
    throw new TypeError(`iceRole must be "controlling" or "controlled"`);
  if (!(c.certificate?.der instanceof Uint8Array))
    throw new TypeError("certificate must carry its DER bytes and key pair");
  if (!Number.isInteger(c.maxHeldDatagrams) || c.maxHeldDatagrams < 0)
    throw new RangeError(`maxHeldDatagrams must be an integer >= 0`);
  return Object.freeze(c);
}
