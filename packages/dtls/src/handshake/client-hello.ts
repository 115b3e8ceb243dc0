import { ByteReader, ByteWriter } from "@purertc/common";
import { MAX_COOKIE_LENGTH } from "../constants.js";
import {
  type Extension,
  encodedLengthExtensions,
  readExtensions,
  writeExtensions,
} from "../extensions/extension.js";
import { MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from "./random.js";

/**
 * ClientHello (RFC 6347 §4.2.1, RFC 5246 §7.4.1.2).
 *
 * ```
 *   struct {
 *     ProtocolVersion client_version;
 *     Random random;                                   -- 32 bytes
 *     SessionID session_id;                            -- <0..32>
 *     opaque cookie<0..2^8-1>;                         -- DTLS only
 *     CipherSuite cipher_suites<2..2^16-1>;
 *     CompressionMethod compression_methods<1..2^8-1>;
 *     select (extensions_present) {
 *       case true: Extension extensions<0..2^16-1>;
 *     };
 *   } ClientHello;
 * ```
 */
export interface ClientHello {
  readonly clientVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cookie: Uint8Array;
  readonly cipherSuites: readonly number[];
  readonly compressionMethods: readonly number[];
  readonly extensions: readonly Extension[];
}

const LAYER = "dtls-handshake";

export function decodeClientHello(body: Uint8Array): ClientHello {
  const r = new ByteReader(body, LAYER);
  const clientVersion = r.u16();
  const random = r.bytes(RANDOM_LENGTH);
  const sidLen = r.u8();
  if (sidLen > MAX_SESSION_ID_LENGTH) r.fail("bad-length", `session_id length ${sidLen}`);
  const sessionId = r.bytes(sidLen);
  const cookieLen = r.u8();
  const cookie = r.bytes(cookieLen);
  const suitesLen = r.u16();
  if (suitesLen < 2 || suitesLen % 2 !== 0)
    r.fail("bad-length", `cipher_suites length ${suitesLen}`);
  const suites = r.sub(suitesLen);
  const cipherSuites: number[] = [];
  while (suites.remaining > 0) cipherSuites.push(suites.u16());
  const compLen = r.u8();
  if (compLen < 1) r.fail("bad-length", "empty compression_methods");
  const compressionMethods = Array.from(r.bytes(compLen));
  const extensions = readExtensions(r);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { clientVersion, random, sessionId, cookie, cipherSuites, compressionMethods, extensions };
}

export function encodedLengthClientHello(m: ClientHello): number {
  return (
    2 +
    RANDOM_LENGTH +
    1 +
    m.sessionId.byteLength +
    1 +
    m.cookie.byteLength +
    2 +
    2 * m.cipherSuites.length +
    1 +
    m.compressionMethods.length +
    encodedLengthExtensions(m.extensions)
  );
}

export function encodeClientHello(m: ClientHello): Uint8Array {
  if (m.random.byteLength !== RANDOM_LENGTH)
    throw new RangeError("ClientHello random must be 32 bytes");
  if (m.sessionId.byteLength > MAX_SESSION_ID_LENGTH)
    throw new RangeError("session_id longer than 32 bytes");
  if (m.cookie.byteLength > MAX_COOKIE_LENGTH) throw new RangeError("cookie longer than 255 bytes");
  const w = new ByteWriter(new Uint8Array(encodedLengthClientHello(m)));
  w.u16(m.clientVersion).bytes(m.random);
  w.u8(m.sessionId.byteLength).bytes(m.sessionId);
  w.u8(m.cookie.byteLength).bytes(m.cookie);
  w.u16(2 * m.cipherSuites.length);
  for (const s of m.cipherSuites) w.u16(s);
  w.u8(m.compressionMethods.length);
  for (const c of m.compressionMethods) w.u8(c);
  writeExtensions(w, m.extensions);
  return w.view();
}
