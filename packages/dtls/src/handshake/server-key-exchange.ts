import { ByteReader, ByteWriter } from "@purertc/common";
import { EC_CURVE_TYPE_NAMED_CURVE } from "../constants.js";

/**
 * ServerKeyExchange for ECDHE (RFC 8422 §5.4) with a TLS 1.2 signature (RFC 5246 §4.7).
 *
 * ```
 *   struct {
 *     ECCurveType curve_type;          -- named_curve (3)
 *     NamedCurve namedcurve;           -- uint16
 *     opaque point <1..2^8-1>;         -- ECPoint: uncompressed SEC1 or 32-byte X25519
 *   } ServerECDHParams;
 *   struct {
 *     ServerECDHParams params;
 *     digitally-signed struct { ... } signed_params;
 *        -- SignatureAndHashAlgorithm algorithm (uint16); opaque signature<0..2^16-1>;
 *   } ServerKeyExchange;
 * ```
 *
 * The signature covers `client_random ‖ server_random ‖ params` where `params` is the encoded
 * ServerECDHParams ({@link encodeEcdhParams}).
 */
export interface ServerKeyExchange {
  readonly namedGroup: number;
  readonly publicKey: Uint8Array;
  readonly signatureScheme: number;
  readonly signature: Uint8Array;
}

export function decodeServerKeyExchange(body: Uint8Array): ServerKeyExchange {
  const r = new ByteReader(body, "dtls-handshake");
  const curveType = r.u8();
  if (curveType !== EC_CURVE_TYPE_NAMED_CURVE)
    r.fail("unsupported-curve-type", `curve_type ${curveType}`);
  const namedGroup = r.u16();
  const pubLen = r.u8();
  if (pubLen === 0) r.fail("bad-length", "empty ECPoint");
  const publicKey = r.bytes(pubLen);
  const signatureScheme = r.u16();
  const sigLen = r.u16();
  const signature = r.bytes(sigLen);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { namedGroup, publicKey, signatureScheme, signature };
}

/** The encoded ServerECDHParams: what the server signs (after both randoms). */
export function encodeEcdhParams(namedGroup: number, publicKey: Uint8Array): Uint8Array {
  if (publicKey.byteLength === 0 || publicKey.byteLength > 255)
    throw new RangeError("ECPoint length out of range");
  const w = new ByteWriter(new Uint8Array(4 + publicKey.byteLength));
  w.u8(EC_CURVE_TYPE_NAMED_CURVE).u16(namedGroup).u8(publicKey.byteLength).bytes(publicKey);
  return w.view();
}

export function encodeServerKeyExchange(m: ServerKeyExchange): Uint8Array {
  const params = encodeEcdhParams(m.namedGroup, m.publicKey);
  const w = new ByteWriter(new Uint8Array(params.byteLength + 4 + m.signature.byteLength));
  w.bytes(params).u16(m.signatureScheme).u16(m.signature.byteLength).bytes(m.signature);
  return w.view();
}
