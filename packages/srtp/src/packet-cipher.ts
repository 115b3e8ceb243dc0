import type { CryptoProvider } from "@purertc/crypto";
import { AeadCipher } from "./aead-cipher.js";
import { AesCmCipher } from "./aes-cm-cipher.js";
import type { SrtpSessionKeys } from "./key-derivation.js";
import type { SrtpProfileParameters } from "./profile.js";

/** The packet transform of one profile, keyed for SRTP or for SRTCP. */
export type PacketCipher = AesCmCipher | AeadCipher;

/** Builds the transform for `params` from session keys; `rtcp` picks the SRTCP tag length. */
export function createPacketCipher(
  crypto: CryptoProvider,
  params: SrtpProfileParameters,
  keys: SrtpSessionKeys,
  rtcp: boolean,
): PacketCipher {
  if (params.cipher === "aead") return new AeadCipher(crypto, keys);
  return new AesCmCipher(crypto, keys, rtcp ? params.rtcpTagLength : params.rtpTagLength);
}
