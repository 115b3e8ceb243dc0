/**
 * DTLS-SRTP keying (RFC 5764 §4.2): the exporter with label `EXTRACTOR-dtls_srtp` yields
 * client key, server key, client salt, server salt; the DTLS client protects with the client
 * halves. The profile is what the `use_srtp` extension negotiated (RFC 5764 §4.1.2).
 */
import type { CryptoProvider } from "@purertc/crypto";
import type { DtlsEndpoint } from "@purertc/dtls";
import {
  SRTP_EXPORTER_LABEL,
  SrtpContext,
  srtpKeyingMaterialLength,
  srtpProfileFromDtlsId,
} from "@purertc/srtp";

/**
 * The SRTP context of a connected DTLS endpoint. Throws `TypeError` for a profile id we did not
 * offer (a DTLS bug, not remote input: the handshake only accepts offered profiles).
 */
export function keySrtp(
  dtls: DtlsEndpoint,
  profileId: number,
  mki: Uint8Array,
  role: "client" | "server",
  crypto: CryptoProvider,
): SrtpContext {
  const profile = srtpProfileFromDtlsId(profileId);
  if (profile === undefined)
    throw new TypeError(`unknown SRTP profile 0x${profileId.toString(16)}`);
  const keyingMaterial = dtls.exportKeyingMaterial(
    SRTP_EXPORTER_LABEL,
    srtpKeyingMaterialLength(profile),
  );
  return SrtpContext.fromDtls({
    profile,
    keyingMaterial,
    role,
    crypto,
    ...(mki.byteLength > 0 ? { mki } : {}),
  });
}
