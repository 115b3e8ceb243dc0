import { ByteReader, ByteWriter } from "@purertc/common";
import { HANDSHAKE_HEADER_LENGTH } from "../constants.js";

/**
 * One handshake message fragment (RFC 6347 §4.2.2). `body` is a view into the record.
 *
 * ```
 *   struct {
 *     HandshakeType msg_type;      -- 1 byte
 *     uint24 length;               -- whole message body length
 *     uint16 message_seq;
 *     uint24 fragment_offset;
 *     uint24 fragment_length;
 *     opaque body[fragment_length];
 *   } Handshake;
 * ```
 */
export interface HandshakeFragment {
  readonly msgType: number;
  readonly length: number;
  readonly messageSeq: number;
  readonly fragmentOffset: number;
  readonly body: Uint8Array;
}

const LAYER = "dtls-handshake";

/** Reads one fragment and checks it lies inside its message (offset + length ≤ total). */
export function readHandshakeFragment(r: ByteReader): HandshakeFragment {
  const msgType = r.u8();
  const length = r.u24();
  const messageSeq = r.u16();
  const fragmentOffset = r.u24();
  const fragmentLength = r.u24();
  if (fragmentOffset + fragmentLength > length) {
    r.fail("bad-fragment", `fragment ${fragmentOffset}+${fragmentLength} beyond length ${length}`);
  }
  const body = r.bytes(fragmentLength);
  return { msgType, length, messageSeq, fragmentOffset, body };
}

/** Decodes every handshake fragment in a record's plaintext (several may share a record). */
export function decodeHandshakeFragments(plaintext: Uint8Array): HandshakeFragment[] {
  const r = new ByteReader(plaintext, LAYER);
  const out: HandshakeFragment[] = [];
  while (r.remaining > 0) out.push(readHandshakeFragment(r));
  return out;
}

export function encodedLengthHandshakeFragment(f: HandshakeFragment): number {
  return HANDSHAKE_HEADER_LENGTH + f.body.byteLength;
}

export function encodeHandshakeFragmentInto(
  f: HandshakeFragment,
  buf: Uint8Array,
  offset: number,
): number {
  const w = new ByteWriter(buf, offset);
  w.u8(f.msgType)
    .u24(f.length)
    .u16(f.messageSeq)
    .u24(f.fragmentOffset)
    .u24(f.body.byteLength)
    .bytes(f.body);
  return w.offset;
}

export function encodeHandshakeFragment(f: HandshakeFragment): Uint8Array {
  const out = new Uint8Array(encodedLengthHandshakeFragment(f));
  encodeHandshakeFragmentInto(f, out, 0);
  return out;
}

/**
 * The bytes a whole message contributes to the handshake hash (RFC 6347 §4.2.6): the header as
 * if the message were one fragment (offset 0, fragment_length = length), then the body.
 */
export function transcriptBytes(msgType: number, messageSeq: number, body: Uint8Array): Uint8Array {
  return encodeHandshakeFragment({
    msgType,
    length: body.byteLength,
    messageSeq,
    fragmentOffset: 0,
    body,
  });
}
