import { ByteReader, ByteWriter } from "@purertc/common";
import { MAX_COOKIE_LENGTH } from "../constants.js";

/**
 * HelloVerifyRequest (RFC 6347 §4.2.1).
 *
 * ```
 *   struct {
 *     ProtocolVersion server_version;
 *     opaque cookie<0..2^8-1>;
 *   } HelloVerifyRequest;
 * ```
 */
export interface HelloVerifyRequest {
  readonly serverVersion: number;
  readonly cookie: Uint8Array;
}

export function decodeHelloVerifyRequest(body: Uint8Array): HelloVerifyRequest {
  const r = new ByteReader(body, "dtls-handshake");
  const serverVersion = r.u16();
  const len = r.u8();
  const cookie = r.bytes(len);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { serverVersion, cookie };
}

export function encodeHelloVerifyRequest(m: HelloVerifyRequest): Uint8Array {
  if (m.cookie.byteLength > MAX_COOKIE_LENGTH) throw new RangeError("cookie longer than 255 bytes");
  const w = new ByteWriter(new Uint8Array(3 + m.cookie.byteLength));
  w.u16(m.serverVersion).u8(m.cookie.byteLength).bytes(m.cookie);
  return w.view();
}
