import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Generic NACK (RFC 4585 §6.2.1): RTPFB (PT=205) with FMT=1 and FCI entries
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |            PID                |             BLP               |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * PID is a lost sequence number; bit i of BLP (LSB = 0) marks PID+i+1 lost too.
 */
export interface GenericNack {
  readonly type: "nack";
  readonly senderSsrc: number;
  readonly mediaSsrc: number;
  readonly items: readonly NackItem[];
}

export interface NackItem {
  readonly pid: number;
  readonly blp: number;
}

export const RTCP_RTPFB = 205;
export const RTCP_PSFB = 206;
export const RTPFB_NACK = 1;

/** @internal FCI of a generic NACK. */
export function decodeNackFci(r: ByteReader, senderSsrc: number, mediaSsrc: number): GenericNack {
  const items: NackItem[] = [];
  while (r.remaining >= 4) items.push({ pid: r.u16(), blp: r.u16() });
  return { type: "nack", senderSsrc, mediaSsrc, items };
}

/** @internal */
export function writeNackFci(p: GenericNack, w: ByteWriter): void {
  for (const it of p.items) w.u16(it.pid).u16(it.blp);
}

/** The lost sequence numbers a NACK lists, in item order. */
export function nackSequenceNumbers(nack: GenericNack): number[] {
  const out: number[] = [];
  for (const { pid, blp } of nack.items) {
    out.push(pid);
    for (let i = 0; i < 16; i++) if (blp & (1 << i)) out.push((pid + i + 1) & 0xffff);
  }
  return out;
}

/**
 * Packs lost sequence numbers into PID/BLP items (RFC 4585 §6.2.1), given in send order
 * (ascending modulo 2^16); each item covers a PID and the 16 numbers after it.
 */
export function nackItemsFromSequenceNumbers(seqs: readonly number[]): NackItem[] {
  const items: NackItem[] = [];
  let pid = -1;
  let blp = 0;
  for (const s of seqs) {
    if (pid >= 0) {
      const d = (s - pid) & 0xffff;
      if (d === 0) continue;
      if (d <= 16) {
        blp |= 1 << (d - 1);
        continue;
      }
      items.push({ pid, blp });
    }
    pid = s & 0xffff;
    blp = 0;
  }
  if (pid >= 0) items.push({ pid, blp });
  return items;
}
