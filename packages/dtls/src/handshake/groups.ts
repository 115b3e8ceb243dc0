import { InternalError } from "@purertc/common";
import type { EcdhCurve } from "@purertc/crypto";
import { NamedGroup } from "../constants.js";

/** The provider curve of a NamedGroup we support (RFC 8422 §5.1.1, RFC 7748). */
export function groupCurve(group: number): EcdhCurve {
  switch (group) {
    case NamedGroup.x25519:
      return "X25519";
    case NamedGroup.secp256r1:
      return "P-256";
    case NamedGroup.secp384r1:
      return "P-384";
    default:
      throw new InternalError(`group ${group} was never negotiated`);
  }
}

/**
 * The supported_groups we advertise: our ECDHE groups, plus secp256r1 when missing because our
 * certificate's key is on it and RFC 8422 §5.1.1 has the extension cover certificate curves too
 * (OpenSSL rejects a P-256 certificate signature when P-256 was not advertised).
 */
export function advertisedGroups(groups: readonly number[]): readonly number[] {
  return groups.includes(NamedGroup.secp256r1) ? groups : [...groups, NamedGroup.secp256r1];
}
