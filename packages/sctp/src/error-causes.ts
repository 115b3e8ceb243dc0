import { ByteReader, type ByteWriter, utf8Encode } from "@purertc/common";
import { CauseCode, LAYER, pad4 } from "./constants.js";

/**
 * Error causes carried by ABORT and ERROR (RFC 9260 §3.3.10): a TLV list like parameters.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Cause Code          |         Cause Length          |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * /                    Cause-Specific Information                 /
 * \                                                               \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 *
 * Causes stay generic (`code` + raw `info`); the constructors below build the ones this stack sends.
 */
export interface ErrorCause {
  readonly code: number;
  /** Cause-specific information (a view into the packet when decoded). */
  readonly info: Uint8Array;
}

export function encodedLengthCauses(causes: readonly ErrorCause[]): number {
  let n = 0;
  for (let i = 0; i < causes.length; i++) {
    const len = 4 + causes[i]!.info.byteLength;
    n += i === causes.length - 1 ? len : pad4(len);
  }
  return n;
}

export function writeCauses(causes: readonly ErrorCause[], w: ByteWriter): void {
  for (const c of causes) {
    const len = 4 + c.info.byteLength;
    w.u16(c.code)
      .u16(len)
      .bytes(c.info)
      .zeros(pad4(len) - len);
  }
}

export function decodeCauses(bytes: Uint8Array, start: number, end: number): ErrorCause[] {
  const r = new ByteReader(bytes, LAYER, start, end);
  const out: ErrorCause[] = [];
  while (r.remaining > 0) {
    const at = r.offset;
    if (r.remaining < 4) r.fail("truncated-cause", `${r.remaining} trailing bytes`);
    const code = r.u16();
    const len = r.u16();
    if (len < 4) r.fail("bad-cause-length", `length ${len}`, at);
    out.push({ code, info: r.bytes(len - 4) });
    r.skip(Math.min(pad4(len) - len, r.remaining));
  }
  return out;
}

function u16Pair(a: number, b: number): Uint8Array {
  return Uint8Array.of(a >>> 8, a & 0xff, b >>> 8, b & 0xff);
}

/** Invalid Stream Identifier (cause 1): the stream id and two reserved bytes. */
export function invalidStreamCause(streamId: number): ErrorCause {
  return { code: CauseCode.INVALID_STREAM_IDENTIFIER, info: u16Pair(streamId, 0) };
}

/** Stale Cookie (cause 3): the staleness in microseconds. */
export function staleCookieCause(stalenessUs: number): ErrorCause {
  const v = Math.min(0xffffffff, Math.max(0, Math.round(stalenessUs)));
  return {
    code: CauseCode.STALE_COOKIE,
    info: Uint8Array.of(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff),
  };
}

/** Unrecognized Chunk Type (cause 6): the offending chunk, verbatim. */
export function unrecognizedChunkCause(chunk: Uint8Array): ErrorCause {
  return { code: CauseCode.UNRECOGNIZED_CHUNK_TYPE, info: chunk.slice() };
}

/** No User Data (cause 9): the TSN of the empty DATA chunk. */
export function noUserDataCause(tsn: number): ErrorCause {
  return {
    code: CauseCode.NO_USER_DATA,
    info: Uint8Array.of(tsn >>> 24, (tsn >>> 16) & 0xff, (tsn >>> 8) & 0xff, tsn & 0xff),
  };
}

/** User-Initiated Abort (cause 12) with an optional UTF-8 reason. */
export function userAbortCause(reason = ""): ErrorCause {
  return { code: CauseCode.USER_INITIATED_ABORT, info: utf8Encode(reason) };
}

/** Protocol Violation (cause 13) with a UTF-8 description. */
export function protocolViolationCause(detail: string): ErrorCause {
  return { code: CauseCode.PROTOCOL_VIOLATION, info: utf8Encode(detail) };
}

/** A readable name for a cause code (for events and logs). */
export function causeName(code: number): string {
  for (const [name, c] of Object.entries(CauseCode))
    if (c === code) return name.toLowerCase().replaceAll("_", "-");
  return `cause-${code}`;
}
