import { type ByteReader, type ByteWriter, utf8Decode, utf8Encode } from "@purertc/common";

/**
 * Source Description (RFC 3550 §6.5, PT=202): chunks of an SSRC followed by items, each chunk
 * ended by at least one null octet and padded to 32 bits.
 * ```
 *         0                   1                   2                   3
 *         0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * header |V=2|P|    SC   |  PT=SDES=202  |             length            |
 *        +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
 * chunk  |                          SSRC/CSRC_1                          |
 *   1    +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *        |    CNAME=1    |     length    | user and domain name        ...
 *        +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export interface SourceDescription {
  readonly type: "sdes";
  readonly chunks: readonly SdesChunk[];
}

export interface SdesChunk {
  readonly source: number;
  readonly items: readonly SdesItem[];
}

/** An SDES item; `type` is CNAME=1, NAME=2, EMAIL=3, PHONE=4, LOC=5, TOOL=6, NOTE=7, PRIV=8. */
export interface SdesItem {
  readonly type: number;
  /** UTF-8 text (RFC 3550 §6.5: "The text is encoded according to the UTF-8 encoding"). */
  readonly text: string;
}

export const RTCP_SDES = 202;
export const SDES_CNAME = 1;

/** @internal */
export function decodeSdesBody(r: ByteReader, count: number): SourceDescription {
  const chunks: SdesChunk[] = [];
  for (let c = 0; c < count; c++) {
    const start = r.offset;
    const source = r.u32();
    const items: SdesItem[] = [];
    for (;;) {
      const type = r.u8();
      if (type === 0) break;
      const len = r.u8();
      items.push({ type, text: utf8Decode(r.bytes(len)) });
    }
    const used = r.offset - start;
    const pad = (4 - (used % 4)) % 4;
    r.skip(Math.min(pad, r.remaining));
    chunks.push({ source, items });
  }
  return { type: "sdes", chunks };
}

function chunkLength(c: SdesChunk): number {
  let n = 4;
  for (const it of c.items) n += 2 + utf8Encode(it.text).byteLength;
  return (n + 1 + 3) & ~3;
}

/** @internal */
export function sdesBodyLength(p: SourceDescription): number {
  let n = 0;
  for (const c of p.chunks) n += chunkLength(c);
  return n;
}

/** @internal */
export function writeSdesBody(p: SourceDescription, w: ByteWriter): void {
  if (p.chunks.length > 31)
    throw new RangeError(`RTCP SDES: ${p.chunks.length} chunks, at most 31`);
  for (const c of p.chunks) {
    const start = w.offset;
    w.u32(c.source);
    for (const it of c.items) {
      const b = utf8Encode(it.text);
      if (it.type < 1 || it.type > 255 || b.byteLength > 255) {
        throw new RangeError(
          `RTCP SDES: item type ${it.type} or ${b.byteLength}-byte text out of range`,
        );
      }
      w.u8(it.type).u8(b.byteLength).bytes(b);
    }
    w.zeros(chunkLength(c) - (w.offset - start));
  }
}
