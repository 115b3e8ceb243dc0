import { AlertDescription } from "../alert.js";
import { type CipherSuiteParams, cipherSuiteParams } from "../cipher-suites.js";
import type { DtlsConfig } from "../config.js";
import { DTLS_1_2, ExtensionType, NamedGroup } from "../constants.js";
import {
  decodeEcPointFormats,
  EC_POINT_FORMAT_UNCOMPRESSED,
  encodeEcPointFormats,
} from "../extensions/ec-point-formats.js";
import { type Extension, findExtension } from "../extensions/extension.js";
import {
  decodeRenegotiationInfo,
  EMPTY_RENEGOTIATION_INFO,
} from "../extensions/renegotiation-info.js";
import { decodeSignatureAlgorithms } from "../extensions/signature-algorithms.js";
import { decodeSupportedGroups } from "../extensions/supported-groups.js";
import { decodeUseSrtp, encodeUseSrtp } from "../extensions/use-srtp.js";
import type { ClientHello } from "./client-hello.js";
import { type Refusal, refuse } from "./negotiation.js";
import { keyKind, signSchemeFor } from "./signatures.js";

/** RFC 5746 §3.3: TLS_EMPTY_RENEGOTIATION_INFO_SCSV in cipher_suites stands for an empty renegotiation_info. */
const EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/** What the server chose from a ClientHello. */
export interface ServerChoice {
  readonly suite: CipherSuiteParams;
  readonly group: number;
  /** The ServerHello extensions (only ones the client offered, RFC 5246 §7.4.1.4). */
  readonly extensions: readonly Extension[];
  readonly srtpProfile: number | undefined;
  readonly srtpMki: Uint8Array;
}

/**
 * Picks version, suite, group and SRTP profile for a ClientHello (server preference), or refuses.
 * Extensions we do not know (supported_versions, key_share, ... from DTLS 1.3 offers) are
 * ignored, as RFC 5246 §7.4.1.4 requires of a server.
 */
export function negotiateServer(c: DtlsConfig, ch: ClientHello): ServerChoice | Refusal {
  const N = "negotiation-failed";
  // DTLS versions count down: 1.2 = 0xfefd is below 1.0 = 0xfeff (RFC 6347 §4.1).
  if (ch.clientVersion > DTLS_1_2)
    return refuse(N, AlertDescription.protocol_version, `client offers only ${ch.clientVersion}`);
  if (!ch.compressionMethods.includes(0))
    return refuse(N, AlertDescription.illegal_parameter, "no null compression");
  const ext = ch.extensions;
  // RFC 7627 §5.3: we require the extended master secret.
  if (findExtension(ext, ExtensionType.extended_master_secret) === undefined) {
    return refuse(
      N,
      AlertDescription.handshake_failure,
      "client does not offer extended_master_secret",
    );
  }
  const reneg = findExtension(ext, ExtensionType.renegotiation_info);
  if (reneg !== undefined && decodeRenegotiationInfo(reneg.data).byteLength !== 0) {
    return refuse(
      "protocol-violation",
      AlertDescription.handshake_failure,
      "non-empty renegotiation_info",
    );
  }
  const sigExt = findExtension(ext, ExtensionType.signature_algorithms);
  const scheme = signSchemeFor(c.certificate.keyPair);
  // RFC 5246 §7.4.1.4.1: without the extension only SHA-1 is allowed, which we do not sign with.
  if (sigExt === undefined || !decodeSignatureAlgorithms(sigExt.data).includes(scheme)) {
    return refuse(
      N,
      AlertDescription.handshake_failure,
      `client cannot verify signature scheme 0x${scheme.toString(16).padStart(4, "0")}`,
    );
  }
  // RFC 5246 §7.4.2: the suite's authentication must fit our certificate key (ECDHE_ECDSA for
  // ECDSA, ECDHE_RSA for RSA); server preference.
  const kind = keyKind(c.certificate.keyPair);
  const suite = c.cipherSuites
    .map((s) => cipherSuiteParams(s)!)
    .find((s) => s.authentication === kind && ch.cipherSuites.includes(s.id));
  if (suite === undefined)
    return refuse(N, AlertDescription.handshake_failure, "no cipher suite in common");
  const groupsExt = findExtension(ext, ExtensionType.supported_groups);
  const offered = groupsExt ? decodeSupportedGroups(groupsExt.data) : [NamedGroup.secp256r1];
  const group = c.namedGroups.find((g) => offered.includes(g));
  if (group === undefined)
    return refuse(N, AlertDescription.handshake_failure, "no ECDHE group in common");
  const pointsExt = findExtension(ext, ExtensionType.ec_point_formats);
  if (
    pointsExt !== undefined &&
    !decodeEcPointFormats(pointsExt.data).includes(EC_POINT_FORMAT_UNCOMPRESSED)
  ) {
    return refuse(N, AlertDescription.illegal_parameter, "uncompressed points not offered");
  }

  const extensions: Extension[] = [
    { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
  ];
  if (reneg !== undefined || ch.cipherSuites.includes(EMPTY_RENEGOTIATION_INFO_SCSV)) {
    extensions.push({ type: ExtensionType.renegotiation_info, data: EMPTY_RENEGOTIATION_INFO });
  }
  if (pointsExt !== undefined) {
    extensions.push({
      type: ExtensionType.ec_point_formats,
      data: encodeEcPointFormats([EC_POINT_FORMAT_UNCOMPRESSED]),
    });
  }
  let srtpProfile: number | undefined;
  let srtpMki: Uint8Array = new Uint8Array(0);
  const srtpExt = findExtension(ext, ExtensionType.use_srtp);
  if (srtpExt !== undefined && c.srtpProfiles.length > 0) {
    const u = decodeUseSrtp(srtpExt.data);
    // RFC 5764 §4.1.1: pick one profile the client offered; echo its MKI to use it.
    srtpProfile = c.srtpProfiles.find((p) => u.profiles.includes(p));
    if (srtpProfile !== undefined) {
      srtpMki = u.mki.slice();
      extensions.push({
        type: ExtensionType.use_srtp,
        data: encodeUseSrtp({ profiles: [srtpProfile], mki: srtpMki }),
      });
    }
  }
  return { suite, group, extensions, srtpProfile, srtpMki };
}
