import { ByteReader } from "@purertc/common";
import { RECORD_HEADER_LENGTH } from "../constants.js";

/**
 * One DTLS record (RFC 6347 §4.1). `fragment` is a view into the datagram it was decoded from:
 * valid until the caller reuses that buffer.
 *
 * ```
 *   struct {
 *        ContentType type;                 -- 1 byte
 *        ProtocolVersion version;          -- 2 bytes
 *        uint16 epoch;                     -- 2 bytes
 *        uint48 sequence_number;           -- 6 bytes
 *        uint16 length;                    -- 2 bytes
 *        opaque fragment[DTLSPlaintext.length];
 *      } DTLSPlaintext;
 * ```
 */
export interface DtlsRecord {
  readonly contentType: number;
  readonly version: number;
  readonly epoch: number;
  /** 48-bit sequence number, exact as a JS number. */
  readonly sequenceNumber: number;
  readonly fragment: Uint8Array;
}

const LAYER = "dtls-record";

/** Decodes the record starting at `reader`'s offset and moves past it. */
export function readRecord(reader: ByteReader): DtlsRecord {
  const contentType = reader.u8();
  const version = reader.u16();
  const epoch = reader.u16();
  const sequenceNumber = reader.u48();
  const length = reader.u16();
  if (length > reader.remaining)
    reader.fail("truncated", `record length ${length} > ${reader.remaining} left`);
  const fragment = reader.bytes(length);
  return { contentType, version, epoch, sequenceNumber, fragment };
}

/** Decodes one record that spans `bytes` exactly. */
export function decodeRecord(bytes: Uint8Array): DtlsRecord {
  const reader = new ByteReader(bytes, LAYER);
  const record = readRecord(reader);
  if (reader.remaining !== 0) reader.fail("trailing-bytes");
  return record;
}

/**
 * Decodes every record of a datagram (RFC 6347 §4.1.1: several records may share one datagram).
 * Throws a `DecodeError` if any record is malformed; use {@link readRecord} to keep the records
 * that precede a bad one.
 */
export function decodeRecords(datagram: Uint8Array): DtlsRecord[] {
  const reader = new ByteReader(datagram, LAYER);
  const out: DtlsRecord[] = [];
  while (reader.remaining > 0) out.push(readRecord(reader));
  return out;
}

/** Encoded length of a record: 13-byte header plus the fragment. */
export function encodedLengthRecord(record: DtlsRecord): number {
  return RECORD_HEADER_LENGTH + record.fragment.byteLength;
}

/** Writes the 13-byte record header for a fragment of `length` bytes; returns the new offset. */
export function encodeRecordHeaderInto(
  contentType: number,
  version: number,
  epoch: number,
  sequenceNumber: number,
  length: number,
  buf: Uint8Array,
  offset: number,
): number {
  // Hot path (every record): plain byte stores, no writer object.
  if (offset + RECORD_HEADER_LENGTH > buf.byteLength)
    throw new RangeError("record header does not fit");
  const hi = Math.floor(sequenceNumber / 2 ** 32);
  const lo = sequenceNumber >>> 0;
  buf[offset] = contentType;
  buf[offset + 1] = version >>> 8;
  buf[offset + 2] = version & 0xff;
  buf[offset + 3] = epoch >>> 8;
  buf[offset + 4] = epoch & 0xff;
  buf[offset + 5] = hi >>> 8;
  buf[offset + 6] = hi & 0xff;
  buf[offset + 7] = lo >>> 24;
  buf[offset + 8] = (lo >>> 16) & 0xff;
  buf[offset + 9] = (lo >>> 8) & 0xff;
  buf[offset + 10] = lo & 0xff;
  buf[offset + 11] = length >>> 8;
  buf[offset + 12] = length & 0xff;
  return offset + RECORD_HEADER_LENGTH;
}

/** Writes `record` into `buf` at `offset`; returns the offset after it. */
export function encodeRecordInto(record: DtlsRecord, buf: Uint8Array, offset: number): number {
  const end = encodeRecordHeaderInto(
    record.contentType,
    record.version,
    record.epoch,
    record.sequenceNumber,
    record.fragment.byteLength,
    buf,
    offset,
  );
  buf.set(record.fragment, end);
  return end + record.fragment.byteLength;
}

export function encodeRecord(record: DtlsRecord): Uint8Array {
  const out = new Uint8Array(encodedLengthRecord(record));
  encodeRecordInto(record, out, 0);
  return out;
}
