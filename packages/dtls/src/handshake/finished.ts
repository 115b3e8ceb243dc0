import { DecodeError } from "@purertc/common";

/** RFC 5246 §7.4.9: `verify_data_length` is 12 for every cipher suite we support. */
export const VERIFY_DATA_LENGTH = 12;

/**
 * Finished (RFC 5246 §7.4.9).
 *
 * ```
 *   struct {
 *     opaque verify_data[verify_data_length];
 *   } Finished;
 * ```
 */
export function decodeFinished(body: Uint8Array): Uint8Array {
  if (body.byteLength !== VERIFY_DATA_LENGTH) {
    throw new DecodeError(
      "dtls-handshake",
      "bad-length",
      0,
      `Finished of ${body.byteLength} bytes`,
    );
  }
  return body;
}

export function encodeFinished(verifyData: Uint8Array): Uint8Array {
  if (verifyData.byteLength !== VERIFY_DATA_LENGTH)
    throw new RangeError("verify_data must be 12 bytes");
  return verifyData.slice();
}
