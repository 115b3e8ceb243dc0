import { DecodeError } from "@purertc/common";

/** ServerHelloDone (RFC 5246 §7.4.5): `struct { } ServerHelloDone;` — an empty body. */
export function decodeServerHelloDone(body: Uint8Array): void {
  if (body.byteLength !== 0)
    throw new DecodeError("dtls-handshake", "trailing-bytes", 0, "ServerHelloDone not empty");
}

export function encodeServerHelloDone(): Uint8Array {
  return new Uint8Array(0);
}
