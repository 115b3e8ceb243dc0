import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Payload-specific feedback (PT=206) messages: PLI (RFC 4585 §6.3.1, FMT=1, no FCI),
 * FIR (RFC 5104 §4.3.1, FMT=4) and REMB (draft-alvestrand-rmcat-remb-03, FMT=15).
 *
 * FIR FCI entry:
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * | Seq nr.       |    Reserved                                   |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * REMB FCI:
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Unique identifier 'R' 'E' 'M' 'B'                            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Num SSRC     | BR Exp    |  BR Mantissa                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |   SSRC feedback                                               |
 * ```
 */
export interface PictureLossIndication {
  readonly type: "pli";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
}

export interface FullIntraRequest {
  readonly type: "fir";
  readonly senderSsrc: number;
  /** RFC 5104 §4.3.1.2: "SHALL be set to 0" in the common header; kept for round trips. */
  readonly mediaSsrc: number;
  readonly entries: readonly { readonly ssrc: number; readonly sequenceNumber: number }[];
}

export interface ReceiverEstimatedMaxBitrate {
  readonly type: "remb";
  readonly senderSsrc: number;
  /** Bits per second (mantissa × 2^exp; encoded with an 18-bit mantissa, so rounded down). */
  readonly bitrate: number;
  readonly ssrcs: readonly number[];
}

export const PSFB_PLI = 1;
export const PSFB_FIR = 4;
export const PSFB_AFB = 15;

/** @internal */
export function decodeFirFci(
  r: ByteReader,
  senderSsrc: number,
  mediaSsrc: number,
): FullIntraRequest {
  const entries: { ssrc: number; sequenceNumber: number }[] = [];
  while (r.remaining >= 8) {
    const ssrc = r.u32();
    const sequenceNumber = r.u8();
    r.skip(3);
    entries.push({ ssrc, sequenceNumber });
  }
  return { type: "fir", senderSsrc, mediaSsrc, entries };
}

/** @internal */
export function writeFirFci(p: FullIntraRequest, w: ByteWriter): void {
  for (const e of p.entries) w.u32(e.ssrc).u8(e.sequenceNumber).u24(0);
}

/** @internal Whether an AFB FCI is a REMB (starts with "REMB"). */
export function isRembFci(r: ByteReader): boolean {
  if (r.remaining < 8) return false;
  const b = r.bytes(4);
  return b[0] === 0x52 && b[1] === 0x45 && b[2] === 0x4d && b[3] === 0x42;
}

/** @internal Decodes the REMB FCI after the "REMB" identifier. */
export function decodeRembFci(r: ByteReader, senderSsrc: number): ReceiverEstimatedMaxBitrate {
  const num = r.u8();
  const b = r.u24();
  const exp = b >>> 18;
  const mantissa = b & 0x3ffff;
  const ssrcs: number[] = [];
  for (let i = 0; i < num; i++) ssrcs.push(r.u32());
  return { type: "remb", senderSsrc, bitrate: mantissa * 2 ** exp, ssrcs };
}

/** @internal */
export function rembFciLength(p: ReceiverEstimatedMaxBitrate): number {
  return 8 + p.ssrcs.length * 4;
}

/** @internal */
export function writeRembFci(p: ReceiverEstimatedMaxBitrate, w: ByteWriter): void {
  if (p.ssrcs.length > 255) throw new RangeError("REMB: at most 255 SSRCs");
  if (!(p.bitrate >= 0) || !Number.isFinite(p.bitrate))
    throw new RangeError(`REMB: bitrate ${p.bitrate}`);
  let mantissa = Math.floor(p.bitrate);
  let exp = 0;
  while (mantissa > 0x3ffff) {
    mantissa = Math.floor(mantissa / 2);
    exp++;
  }
  if (exp > 63) throw new RangeError(`REMB: bitrate ${p.bitrate} too large`);
  w.u8(0x52).u8(0x45).u8(0x4d).u8(0x42);
  w.u8(p.ssrcs.length).u24((exp << 18) | mantissa);
  for (const s of p.ssrcs) w.u32(s);
}
