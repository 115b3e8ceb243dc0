import { ByteReader, ByteWriter } from "@purertc/common";
import {
  type Extension,
  encodedLengthExtensions,
  readExtensions,
  writeExtensions,
} from "../extensions/extension.js";
import { MAX_SESSION_ID_LENGTH, RANDOM_LENGTH } from "./random.js";

/**
 * ServerHello (RFC 5246 §7.4.1.3).
 *
 * ```
 *   struct {
 *     ProtocolVersion server_version;
 *     Random random;
 *     SessionID session_id;
 *     CipherSuite cipher_suite;
 *     CompressionMethod compression_method;
 *     select (extensions_present) {
 *       case true: Extension extensions<0..2^16-1>;
 *     };
 *   } ServerHello;
 * ```
 */
export interface ServerHello {
  readonly serverVersion: number;
  readonly random: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly cipherSuite: number;
  readonly compressionMethod: number;
  readonly extensions: readonly Extension[];
}

export function decodeServerHello(body: Uint8Array): ServerHello {
  const r = new ByteReader(body, "dtls-handshake");
  const serverVersion = r.u16();
  const random = r.bytes(RANDOM_LENGTH);
  const sidLen = r.u8();
  if (sidLen > MAX_SESSION_ID_LENGTH) r.fail("bad-length", `session_id length ${sidLen}`);
  const sessionId = r.bytes(sidLen);
  const cipherSuite = r.u16();
  const compressionMethod = r.u8();
  const extensions = readExtensions(r);
  if (r.remaining !== 0) r.fail("trailing-bytes");
  return { serverVersion, random, sessionId, cipherSuite, compressionMethod, extensions };
}

export function encodeServerHello(m: ServerHello): Uint8Array {
  if (m.random.byteLength !== RANDOM_LENGTH)
    throw new RangeError("ServerHello random must be 32 bytes");
  if (m.sessionId.byteLength > MAX_SESSION_ID_LENGTH)
    throw new RangeError("session_id longer than 32 bytes");
  const len =
    2 + RANDOM_LENGTH + 1 + m.sessionId.byteLength + 3 + encodedLengthExtensions(m.extensions);
  const w = new ByteWriter(new Uint8Array(len));
  w.u16(m.serverVersion).bytes(m.random).u8(m.sessionId.byteLength).bytes(m.sessionId);
  w.u16(m.cipherSuite).u8(m.compressionMethod);
  writeExtensions(w, m.extensions);
  return w.view();
}
