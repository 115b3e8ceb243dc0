/**
 * CRC-32 (ISO-HDLC, used by the STUN FINGERPRINT, RFC 8489 §14.7) and CRC-32C (Castagnoli,
 * used by SCTP, RFC 9260 Appendix A), both reflected, computed slicing-by-8.
 */

function makeTables(poly: number): Uint32Array[] {
  const tables = Array.from({ length: 8 }, () => new Uint32Array(256));
  const t0 = tables[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let t = 1; t < 8; t++) {
      const prev = tables[t - 1]![i]!;
      tables[t]![i] = (prev >>> 8) ^ t0[prev & 0xff]!;
    }
  }
  return tables;
}

function makeCrc(poly: number): (data: Uint8Array, start?: number, end?: number) => number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = makeTables(poly) as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  return (data, start = 0, end = data.byteLength) => {
    let crc = 0xffffffff;
    let i = start;
    for (; i + 8 <= end; i += 8) {
      const a =
        crc ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24));
      crc =
        t7[a & 0xff]! ^
        t6[(a >>> 8) & 0xff]! ^
        t5[(a >>> 16) & 0xff]! ^
        t4[a >>> 24]! ^
        t3[data[i + 4]!]! ^
        t2[data[i + 5]!]! ^
        t1[data[i + 6]!]! ^
        t0[data[i + 7]!]!;
    }
    for (; i < end; i++) crc = (crc >>> 8) ^ t0[(crc ^ data[i]!) & 0xff]!;
    return (crc ^ 0xffffffff) >>> 0;
  };
}

/** CRC-32 of `data[start..end)` (the zlib/Ethernet CRC). */
export const crc32: (data: Uint8Array, start?: number, end?: number) => number =
  makeCrc(0xedb88320);

/** CRC-32C of `data[start..end)`, as an unsigned number (SCTP writes it little-endian). */
export const crc32c: (data: Uint8Array, start?: number, end?: number) => number =
  makeCrc(0x82f63b78);
