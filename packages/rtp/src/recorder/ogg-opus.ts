import { utf8Encode } from "@purertc/common";

/** CRC-32 of Ogg pages (RFC 3533 §6: polynomial 0x04c11db7, not reflected, initial 0). */
const OGG_CRC = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let k = 0; k < 8; k++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    t[i] = r >>> 0;
  }
  return t;
})();

function oggCrc(b: Uint8Array): number {
  let crc = 0;
  for (let i = 0; i < b.byteLength; i++)
    crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ b[i]!) & 0xff]!) >>> 0;
  return crc;
}

/** RFC 7845 §5.1: at least 3840 samples (80 ms) of pre-skip for a stream cut from a live one. */
export const OPUS_DEFAULT_PRE_SKIP = 3840;

/**
 * Ogg Opus writer (RFC 7845): an ID header page ("OpusHead", §5.1), a comment header page
 * ("OpusTags", §5.2), then one page per Opus packet with the granule position in 48 kHz samples
 * (§4). Pure byte producer.
 */
export class OggOpusWriter {
  readonly #serial: number;
  readonly #channels: number;
  readonly #preSkip: number;
  #seq = 0;
  #granule = 0n;

  /**
   * `preSkip`: 48 kHz samples the player drops at the start (RFC 7845 §4.2). The default 3840
   * suits a recording that joins a live stream; pass the sender's encoder delay (312 for
   * libopus) when the recording starts with the stream.
   */
  constructor(serial: number, channels = 2, preSkip = OPUS_DEFAULT_PRE_SKIP) {
    if (!(Number.isInteger(channels) && channels >= 1 && channels <= 2))
      throw new RangeError(`Ogg Opus: ${channels} channels (mapping family 0 allows 1 or 2)`);
    if (!(Number.isInteger(preSkip) && preSkip >= 0 && preSkip <= 0xffff))
      throw new RangeError(`Ogg Opus: pre-skip ${preSkip} outside 0..65535`);
    this.#serial = serial >>> 0;
    this.#channels = channels;
    this.#preSkip = preSkip;
  }

  #page(packet: Uint8Array, headerType: number, granule: bigint): Uint8Array {
    const segments = Math.floor(packet.byteLength / 255) + 1;
    if (segments > 255) throw new RangeError("Ogg: packet too large for one page");
    const page = new Uint8Array(27 + segments + packet.byteLength);
    const v = new DataView(page.buffer);
    page.set([0x4f, 0x67, 0x67, 0x53]); // "OggS"
    page[5] = headerType;
    v.setBigUint64(6, granule, true);
    v.setUint32(14, this.#serial, true);
    v.setUint32(18, this.#seq++, true);
    page[26] = segments;
    for (let i = 0; i < segments - 1; i++) page[27 + i] = 255;
    page[27 + segments - 1] = packet.byteLength % 255;
    page.set(packet, 27 + segments);
    v.setUint32(22, oggCrc(page), true);
    return page;
  }

  /** The two header pages (OpusHead with the pre-skip, OpusTags). */
  headers(): Uint8Array {
    const head = new Uint8Array(19);
    const v = new DataView(head.buffer);
    head.set(utf8Encode("OpusHead"));
    head[8] = 1;
    head[9] = this.#channels;
    v.setUint16(10, this.#preSkip, true);
    v.setUint32(12, 48000, true);
    const vendor = utf8Encode("purertc");
    const tags = new Uint8Array(8 + 4 + vendor.byteLength + 4);
    tags.set(utf8Encode("OpusTags"));
    new DataView(tags.buffer).setUint32(8, vendor.byteLength, true);
    tags.set(vendor, 12);
    const a = this.#page(head, 0x02, 0n);
    const b = this.#page(tags, 0, 0n);
    const out = new Uint8Array(a.byteLength + b.byteLength);
    out.set(a);
    out.set(b, a.byteLength);
    return out;
  }

  /** A page with one Opus packet lasting `samples` 48 kHz samples; `last` sets end of stream. */
  packet(data: Uint8Array, samples: number, last = false): Uint8Array {
    this.#granule += BigInt(samples);
    return this.#page(data, last ? 0x04 : 0, this.#granule);
  }
}
