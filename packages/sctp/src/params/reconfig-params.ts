import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * RE-CONFIG parameters (RFC 6525 §4). Value codecs: the TLV header is handled by `param.ts`.
 */

/**
 * Outgoing SSN Reset Request (type 13, RFC 6525 §4.1).
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 13       | Parameter Length = 16 + 2 * N |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Request Sequence Number            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Re-configuration Response Sequence Number           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                Sender's Last Assigned TSN                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Stream Number 1 (optional)   |    Stream Number 2 (optional) |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface OutgoingSsnResetRequestParam {
  readonly kind: "outgoing-ssn-reset-request";
  readonly requestSeq: number;
  readonly responseSeq: number;
  readonly senderLastTsn: number;
  /** Empty means every stream. */
  readonly streams: readonly number[];
}

/** Incoming SSN Reset Request (type 14, RFC 6525 §4.2): request seq, then stream numbers. */
export interface IncomingSsnResetRequestParam {
  readonly kind: "incoming-ssn-reset-request";
  readonly requestSeq: number;
  readonly streams: readonly number[];
}

/** SSN/TSN Reset Request (type 15, RFC 6525 §4.3). */
export interface SsnTsnResetRequestParam {
  readonly kind: "ssn-tsn-reset-request";
  readonly requestSeq: number;
}

/** Add Outgoing/Incoming Streams Request (types 17/18, RFC 6525 §4.5–§4.6). */
export interface AddStreamsRequestParam {
  readonly kind: "add-outgoing-streams-request" | "add-incoming-streams-request";
  readonly requestSeq: number;
  readonly newStreams: number;
}

/** RFC 6525 §4.4 result codes. */
export const ReconfigResult = {
  SUCCESS_NOTHING_TO_DO: 0,
  SUCCESS_PERFORMED: 1,
  DENIED: 2,
  ERROR_WRONG_SSN: 3,
  ERROR_REQUEST_ALREADY_IN_PROGRESS: 4,
  ERROR_BAD_SEQUENCE_NUMBER: 5,
  IN_PROGRESS: 6,
} as const;

/**
 * Re-configuration Response (type 16, RFC 6525 §4.4).
 *
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Parameter Type = 16       |      Parameter Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Re-configuration Response Sequence Number             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                            Result                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                   Sender's Next TSN (optional)                |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                  Receiver's Next TSN (optional)               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface ReconfigResponseParam {
  readonly kind: "re-config-response";
  readonly responseSeq: number;
  readonly result: number;
  /** Present only together with `receiverNextTsn` (SSN/TSN reset responses). */
  readonly senderNextTsn?: number;
  readonly receiverNextTsn?: number;
}

function readStreams(r: ByteReader): number[] {
  if (r.remaining % 2 !== 0) r.fail("bad-stream-list", `odd length ${r.remaining}`);
  const streams: number[] = [];
  while (r.remaining > 0) streams.push(r.u16());
  return streams;
}

export function decodeOutgoingSsnResetRequest(r: ByteReader): OutgoingSsnResetRequestParam {
  const requestSeq = r.u32();
  const responseSeq = r.u32();
  const senderLastTsn = r.u32();
  return {
    kind: "outgoing-ssn-reset-request",
    requestSeq,
    responseSeq,
    senderLastTsn,
    streams: readStreams(r),
  };
}

export function encodeOutgoingSsnResetRequest(
  p: OutgoingSsnResetRequestParam,
  w: ByteWriter,
): void {
  w.u32(p.requestSeq).u32(p.responseSeq).u32(p.senderLastTsn);
  for (const s of p.streams) w.u16(s);
}

export function decodeIncomingSsnResetRequest(r: ByteReader): IncomingSsnResetRequestParam {
  const requestSeq = r.u32();
  return { kind: "incoming-ssn-reset-request", requestSeq, streams: readStreams(r) };
}

export function encodeIncomingSsnResetRequest(
  p: IncomingSsnResetRequestParam,
  w: ByteWriter,
): void {
  w.u32(p.requestSeq);
  for (const s of p.streams) w.u16(s);
}

export function decodeSsnTsnResetRequest(r: ByteReader): SsnTsnResetRequestParam {
  const requestSeq = r.u32();
  if (r.remaining !== 0) r.fail("bad-ssn-tsn-reset", "trailing bytes");
  return { kind: "ssn-tsn-reset-request", requestSeq };
}

export function decodeAddStreamsRequest(
  r: ByteReader,
  kind: AddStreamsRequestParam["kind"],
): AddStreamsRequestParam {
  const requestSeq = r.u32();
  const newStreams = r.u16();
  r.u16(); // reserved
  if (r.remaining !== 0) r.fail("bad-add-streams", "trailing bytes");
  return { kind, requestSeq, newStreams };
}

export function decodeReconfigResponse(r: ByteReader): ReconfigResponseParam {
  const responseSeq = r.u32();
  const result = r.u32();
  if (r.remaining === 0) return { kind: "re-config-response", responseSeq, result };
  if (r.remaining !== 8) r.fail("bad-re-config-response", `length ${r.remaining + 8}`);
  const senderNextTsn = r.u32();
  const receiverNextTsn = r.u32();
  return { kind: "re-config-response", responseSeq, result, senderNextTsn, receiverNextTsn };
}

export function encodeReconfigResponse(p: ReconfigResponseParam, w: ByteWriter): void {
  w.u32(p.responseSeq).u32(p.result);
  if (p.senderNextTsn !== undefined && p.receiverNextTsn !== undefined) {
    w.u32(p.senderNextTsn).u32(p.receiverNextTsn);
  }
}
