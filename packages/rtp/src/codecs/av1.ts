import { DecodeError } from "@purertc/common";
import { checkMaxPayload, joinPayloads, type PayloadCodec } from "./payload-codec.js";

/**
 * AV1 payload format (AV1 RTP Payload Format, aomediacodec.github.io/av1-rtp-spec, §4.4).
 * Aggregation header, then OBU elements (OBUs whose `obu_has_size_field` is 0):
 * ```
 *  0 1 2 3 4 5 6 7
 * +-+-+-+-+-+-+-+-+
 * |Z|Y| W |N|-|-|-|
 * +-+-+-+-+-+-+-+-+
 * ```
 * Z: the first element continues an OBU fragment of the previous packet; Y: the last element
 * continues in the next packet; W: element count with the last one unsized (0 = every
 * element has a LEB128 length); N: first packet of a coded video sequence.
 *
 * Frames are temporal units in the low-overhead bitstream format (OBUs with size fields, as
 * in IVF and Matroska); the depacketizer rebuilds them without temporal delimiters (§5: the
 * sender "SHOULD" drop them, and Matroska forbids them).
 */
export const AV1_OBU_SEQUENCE_HEADER = 1;
export const AV1_OBU_TEMPORAL_DELIMITER = 2;
export const AV1_OBU_TILE_LIST = 8;

function fail(code: string, offset: number, detail: string): never {
  throw new DecodeError("rtp", code, offset, detail);
}

/** Reads a LEB128 value at `o`; returns [value, bytes]. */
function readLeb128(p: Uint8Array, o: number): [number, number] {
  let v = 0;
  for (let i = 0; i < 8; i++) {
    if (o + i >= p.byteLength) fail("truncated", o + i, "LEB128");
    const b = p[o + i]!;
    v += (b & 0x7f) * 2 ** (7 * i);
    if ((b & 0x80) === 0) return [v, i + 1];
  }
  return fail("bad-length", o, "LEB128 longer than 8 bytes");
}

function leb128Size(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 128);
    n++;
  }
  return n;
}

function writeLeb128(out: Uint8Array, o: number, v: number): number {
  while (v >= 0x80) {
    out[o++] = (v & 0x7f) | 0x80;
    v = Math.floor(v / 128);
  }
  out[o++] = v;
  return o;
}

/**
 * Splits a low-overhead temporal unit into OBU elements: header (size flag cleared), optional
 * extension byte, payload. Temporal delimiters and tile lists are dropped (§5).
 */
export function av1ObuElements(tu: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let o = 0;
  while (o < tu.byteLength) {
    const h = tu[o]!;
    const ext = (h & 0x04) !== 0 ? 1 : 0;
    const headerLen = 1 + ext;
    if (o + headerLen > tu.byteLength) fail("truncated", o, "OBU header");
    let size: number;
    let sizeLen = 0;
    if (h & 0x02) {
      [size, sizeLen] = readLeb128(tu, o + headerLen);
    } else {
      size = tu.byteLength - o - headerLen;
    }
    const end = o + headerLen + sizeLen + size;
    if (end > tu.byteLength) fail("truncated", o, `OBU of ${size} bytes`);
    const type = (h >>> 3) & 0x0f;
    if (type !== AV1_OBU_TEMPORAL_DELIMITER && type !== AV1_OBU_TILE_LIST) {
      const el = new Uint8Array(headerLen + size);
      el[0] = h & ~0x02;
      if (ext) el[1] = tu[o + 1]!;
      el.set(tu.subarray(o + headerLen + sizeLen, end), headerLen);
      out.push(el);
    }
    o = end;
  }
  return out;
}

/** AV1 RTP packetizer and depacketizer. */
export class Av1Codec implements PayloadCodec {
  readonly encodingName = "AV1";
  readonly kind = "video";
  readonly clockRate = 90000;

  /** Packs OBU elements into packets, every element LEB128-sized (W=0), fragmenting as needed. */
  packetize(frame: Uint8Array, maxPayloadSize: number): Uint8Array[] {
    checkMaxPayload(maxPayloadSize, 3, "AV1");
    const elements = av1ObuElements(frame);
    const newSequence = elements.some((e) => ((e[0]! >>> 3) & 0x0f) === AV1_OBU_SEQUENCE_HEADER);
    const out: Uint8Array[] = [];
    let parts: Uint8Array[] = [];
    let size = 1;
    let z = false;
    const flush = (y: boolean): void => {
      const p = new Uint8Array(size);
      p[0] = (z ? 0x80 : 0) | (y ? 0x40 : 0) | (out.length === 0 && newSequence ? 0x08 : 0);
      let o = 1;
      for (const part of parts) {
        o = writeLeb128(p, o, part.byteLength);
        p.set(part, o);
        o += part.byteLength;
      }
      out.push(p);
      parts = [];
      size = 1;
      z = y;
    };
    for (const e of elements) {
      let off = 0;
      while (off < e.byteLength) {
        let room = maxPayloadSize - size;
        if (room < 2) {
          flush(off > 0);
          room = maxPayloadSize - size;
        }
        let take = Math.min(e.byteLength - off, room - 1);
        take = Math.min(take, room - leb128Size(take));
        parts.push(e.subarray(off, off + take));
        size += leb128Size(take) + take;
        off += take;
        if (off < e.byteLength) flush(true);
      }
    }
    if (parts.length > 0 || out.length === 0) flush(false);
    return out;
  }

  isFrameStart(payload: Uint8Array): boolean {
    if (payload.byteLength < 1) fail("truncated", 0, "empty AV1 payload");
    return (payload[0]! & 0x80) === 0;
  }

  /** The N bit: "MUST be set to 1 if the packet is the first packet of a coded video sequence". */
  isKeyframe(payload: Uint8Array): boolean {
    return payload.byteLength > 0 && (payload[0]! & 0x88) === 0x08;
  }

  depacketize(payloads: readonly Uint8Array[]): Uint8Array {
    const obus: Uint8Array[] = [];
    let pending: Uint8Array[] = [];
    let pendingSize = 0;
    for (const p of payloads) {
      if (p.byteLength < 1) fail("truncated", 0, "empty AV1 payload");
      const agg = p[0]!;
      const z = (agg & 0x80) !== 0;
      const y = (agg & 0x40) !== 0;
      const w = (agg >>> 4) & 3;
      if (z !== pending.length > 0) {
        fail(
          "bad-fragment",
          0,
          z ? "continuation without a start" : "OBU fragment left unfinished",
        );
      }
      let o = 1;
      let index = 0;
      while (o < p.byteLength) {
        index++;
        let len: number;
        if (w === 0 || index < w) {
          const [v, n] = readLeb128(p, o);
          o += n;
          len = v;
        } else {
          len = p.byteLength - o;
        }
        if (o + len > p.byteLength) fail("truncated", o, `OBU element of ${len} bytes`);
        const el = p.subarray(o, o + len);
        o += len;
        const last = o >= p.byteLength;
        pending.push(el);
        pendingSize += len;
        if (!(last && y)) {
          obus.push(joinPayloads(pending, pendingSize));
          pending = [];
          pendingSize = 0;
        }
      }
      if (y && pending.length === 0) fail("bad-fragment", 0, "Y set without an element");
    }
    if (pending.length > 0) fail("bad-fragment", 0, "OBU fragment left unfinished");
    let total = 0;
    for (const e of obus) {
      if (e.byteLength < 1) fail("bad-length", 0, "empty OBU element");
      const hl = e[0]! & 0x04 ? 2 : 1;
      if (e.byteLength < hl) fail("truncated", 0, "OBU extension header");
      total += e.byteLength + leb128Size(e.byteLength - hl);
    }
    const out = new Uint8Array(total);
    let o = 0;
    for (const e of obus) {
      const hl = e[0]! & 0x04 ? 2 : 1;
      out[o] = e[0]! | 0x02;
      if (hl === 2) out[o + 1] = e[1]!;
      o = writeLeb128(out, o + hl, e.byteLength - hl);
      out.set(e.subarray(hl), o);
      o += e.byteLength - hl;
    }
    return out;
  }
}
