import { constantTimeEqual } from "@purertc/common";
import { AlertDescription } from "../alert.js";
import { type CipherSuiteParams, cipherSuiteParams } from "../cipher-suites.js";
import type { DtlsConfig } from "../config.js";
import { DTLS_1_2, ExtensionType } from "../constants.js";
import {
  EC_POINT_FORMAT_UNCOMPRESSED,
  encodeEcPointFormats,
} from "../extensions/ec-point-formats.js";
import { type Extension, findExtension } from "../extensions/extension.js";
import {
  decodeRenegotiationInfo,
  EMPTY_RENEGOTIATION_INFO,
} from "../extensions/renegotiation-info.js";
import { encodeSignatureAlgorithms } from "../extensions/signature-algorithms.js";
import { encodeSupportedGroups } from "../extensions/supported-groups.js";
import { decodeUseSrtp, encodeUseSrtp } from "../extensions/use-srtp.js";
import { advertisedGroups } from "./groups.js";
import { type Refusal, refuse } from "./negotiation.js";
import type { ServerHello } from "./server-hello.js";
import { VERIFY_SCHEMES } from "./signatures.js";

/** The extensions of our ClientHello (RFC 7627, 5746, 8422, 5246 §7.4.1.4.1, 5764). */
export function clientHelloExtensions(c: DtlsConfig): Extension[] {
  const extensions: Extension[] = [
    { type: ExtensionType.extended_master_secret, data: new Uint8Array(0) },
    { type: ExtensionType.renegotiation_info, data: EMPTY_RENEGOTIATION_INFO },
    {
      type: ExtensionType.supported_groups,
      data: encodeSupportedGroups(advertisedGroups(c.namedGroups)),
    },
    {
      type: ExtensionType.ec_point_formats,
      data: encodeEcPointFormats([EC_POINT_FORMAT_UNCOMPRESSED]),
    },
    { type: ExtensionType.signature_algorithms, data: encodeSignatureAlgorithms(VERIFY_SCHEMES) },
  ];
  if (c.srtpProfiles.length > 0) {
    extensions.push({
      type: ExtensionType.use_srtp,
      data: encodeUseSrtp({ profiles: c.srtpProfiles, mki: c.srtpMki }),
    });
  }
  return extensions;
}

/** What the server chose, as far as we accept it. */
export interface ClientAgreement {
  readonly suite: CipherSuiteParams;
  readonly srtpProfile: number | undefined;
  readonly srtpMki: Uint8Array;
}

/** Checks a ServerHello against what we offered (RFC 5246 §7.4.1.3, §7.4.1.4), or refuses. */
export function checkServerHello(c: DtlsConfig, sh: ServerHello): ClientAgreement | Refusal {
  const N = "negotiation-failed";
  if (sh.serverVersion !== DTLS_1_2)
    return refuse(N, AlertDescription.protocol_version, `server chose version ${sh.serverVersion}`);
  const suite = cipherSuiteParams(sh.cipherSuite);
  if (suite === undefined || !c.cipherSuites.includes(suite.id) || sh.compressionMethod !== 0) {
    return refuse(N, AlertDescription.illegal_parameter, "server chose a suite we did not offer");
  }
  const offered: readonly number[] = [
    ExtensionType.extended_master_secret,
    ExtensionType.renegotiation_info,
    ExtensionType.ec_point_formats,
    ...(c.srtpProfiles.length > 0 ? [ExtensionType.use_srtp] : []),
  ];
  // RFC 5246 §7.4.1.4: an extension we did not offer is fatal (unsupported_extension).
  const unsolicited = sh.extensions.find((e) => !offered.includes(e.type));
  if (unsolicited !== undefined) {
    return refuse(
      "protocol-violation",
      AlertDescription.unsupported_extension,
      `unsolicited extension ${unsolicited.type}`,
    );
  }
  // RFC 7627 §5.3: we require the extended master secret.
  if (findExtension(sh.extensions, ExtensionType.extended_master_secret) === undefined) {
    return refuse(
      N,
      AlertDescription.handshake_failure,
      "server does not support extended_master_secret",
    );
  }
  const reneg = findExtension(sh.extensions, ExtensionType.renegotiation_info);
  if (reneg !== undefined && decodeRenegotiationInfo(reneg.data).byteLength !== 0) {
    return refuse(
      "protocol-violation",
      AlertDescription.handshake_failure,
      "non-empty renegotiation_info",
    );
  }
  const srtp = findExtension(sh.extensions, ExtensionType.use_srtp);
  if (srtp === undefined) return { suite, srtpProfile: undefined, srtpMki: new Uint8Array(0) };
  const u = decodeUseSrtp(srtp.data);
  const profile = u.profiles[0];
  // RFC 5764 §4.1.3: exactly one profile we offered, and an MKI that is empty or ours.
  if (u.profiles.length !== 1 || profile === undefined || !c.srtpProfiles.includes(profile)) {
    return refuse(N, AlertDescription.illegal_parameter, "bad use_srtp in ServerHello");
  }
  if (u.mki.byteLength > 0 && !constantTimeEqual(u.mki, c.srtpMki)) {
    return refuse(N, AlertDescription.illegal_parameter, "use_srtp MKI differs from ours");
  }
  return { suite, srtpProfile: profile, srtpMki: u.mki.slice() };
}
