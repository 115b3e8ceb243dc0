import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Extended Reports (RFC 3611 §2, PT=207):
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |V=2|P|reserved |   PT=XR=207   |             length            |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                              SSRC                             |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * :                         report blocks                         :
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * each block:
 * |      BT       | type-specific |         block length          |
 * ```
 * Typed: Receiver Reference Time (BT=4, §4.4) and DLRR (BT=5, §4.5); other blocks stay raw.
 */
export interface ExtendedReport {
  readonly type: "xr";
  readonly ssrc: number;
  readonly blocks: readonly XrBlock[];
}

export type XrBlock =
  | { readonly blockType: 4; readonly ntpTime: bigint }
  | { readonly blockType: 5; readonly subBlocks: readonly DlrrSubBlock[] }
  | { readonly blockType: number; readonly typeSpecific: number; readonly data: Uint8Array };

/** A DLRR sub-block: for `ssrc`, the middle 32 bits of its last RRTR and the delay since (1/65536 s). */
export interface DlrrSubBlock {
  readonly ssrc: number;
  readonly lastRr: number;
  readonly delaySinceLastRr: number;
}

export const RTCP_XR = 207;
export const XR_RRTR = 4;
export const XR_DLRR = 5;

/** @internal */
export function decodeXrBody(r: ByteReader): ExtendedReport {
  const ssrc = r.u32();
  const blocks: XrBlock[] = [];
  while (r.remaining > 0) {
    const blockType = r.u8();
    const typeSpecific = r.u8();
    const words = r.u16();
    const body = r.sub(words * 4);
    if (blockType === XR_RRTR && words === 2) {
      blocks.push({ blockType: XR_RRTR, ntpTime: body.u64() });
    } else if (blockType === XR_DLRR && words % 3 === 0) {
      const subBlocks: DlrrSubBlock[] = [];
      while (body.remaining > 0) {
        subBlocks.push({ ssrc: body.u32(), lastRr: body.u32(), delaySinceLastRr: body.u32() });
      }
      blocks.push({ blockType: XR_DLRR, subBlocks });
    } else {
      blocks.push({ blockType, typeSpecific, data: body.rest() });
    }
  }
  return { type: "xr", ssrc, blocks };
}

function blockDataLength(b: XrBlock): number {
  if ("ntpTime" in b) return 8;
  if ("subBlocks" in b) return b.subBlocks.length * 12;
  return b.data.byteLength;
}

/** @internal */
export function xrBodyLength(p: ExtendedReport): number {
  let n = 4;
  for (const b of p.blocks) n += 4 + blockDataLength(b);
  return n;
}

/** @internal */
export function writeXrBody(p: ExtendedReport, w: ByteWriter): void {
  w.u32(p.ssrc);
  for (const b of p.blocks) {
    const len = blockDataLength(b);
    if (len % 4 !== 0 || len / 4 > 0xffff)
      throw new RangeError(`XR block ${b.blockType}: bad length ${len}`);
    w.u8(b.blockType)
      .u8("typeSpecific" in b ? b.typeSpecific : 0)
      .u16(len / 4);
    if ("ntpTime" in b) w.u64(BigInt.asUintN(64, b.ntpTime));
    else if ("subBlocks" in b)
      for (const s of b.subBlocks) w.u32(s.ssrc).u32(s.lastRr).u32(s.delaySinceLastRr);
    else w.bytes(b.data);
  }
}
