import { concatBytes, DecodeError } from "@purertc/common";

/** A parsed Ogg Opus file (RFC 7845), first logical stream only. */
export interface OggOpusFile {
  readonly channels: number;
  /** 48 kHz samples the decoder drops at the start (RFC 7845 §4.2). */
  readonly preSkip: number;
  readonly inputSampleRate: number;
  /** The audio packets, in order (the ID and comment headers excluded). */
  readonly packets: readonly Uint8Array[];
}

/**
 * Ogg page header (RFC 3533 §6):
 * ```
 *  0      4     5      6                14        18         22      26        27
 *  +------+-----+------+----------------+---------+----------+-------+---------+-------------+
 *  | OggS | ver | type | granule u64le  | serial  | sequence | crc   | nsegs   | lacing[...] |
 *  +------+-----+------+----------------+---------+----------+-------+---------+-------------+
 * ```
 * A packet is the concatenation of segments up to one shorter than 255 bytes; it may continue
 * on the next page.
 */
function* oggPackets(file: Uint8Array): Generator<Uint8Array> {
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let serial: number | undefined;
  let pending: Uint8Array[] = [];
  let o = 0;
  while (o < file.byteLength) {
    if (o + 27 > file.byteLength) throw new DecodeError("ogg", "truncated-page", o);
    if (dv.getUint32(o, false) !== 0x4f676753) throw new DecodeError("ogg", "bad-capture", o);
    const pageSerial = dv.getUint32(o + 14, true);
    const segments = file[o + 26]!;
    const lacing = o + 27;
    let body = lacing + segments;
    if (body > file.byteLength) throw new DecodeError("ogg", "truncated-lacing", o);
    serial ??= pageSerial;
    const mine = pageSerial === serial;
    for (let i = 0; i < segments; i++) {
      const len = file[lacing + i]!;
      if (body + len > file.byteLength) throw new DecodeError("ogg", "truncated-segment", body);
      if (mine) pending.push(file.subarray(body, body + len));
      body += len;
      if (mine && len < 255) {
        yield pending.length === 1 ? (pending[0] as Uint8Array) : concatBytes(...pending);
        pending = [];
      }
    }
    o = body;
  }
}

/**
 * Every packet of the first logical stream of an Ogg file, headers included (RFC 3533).
 * @throws DecodeError (layer `ogg`) on a broken page.
 */
export function readOggPackets(file: Uint8Array): Uint8Array[] {
  return [...oggPackets(file)];
}

function startsWith(b: Uint8Array, magic: string): boolean {
  if (b.byteLength < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[i] !== magic.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads the Opus packets of an Ogg Opus file (as ffmpeg, opusenc and {@link OggOpusWriter}
 * write them), for sending with an audio track.
 * @throws DecodeError (layer `ogg`) on a broken page, a missing `OpusHead` (RFC 7845 §5.1) or
 * `OpusTags` (§5.2).
 */
export function readOggOpus(file: Uint8Array): OggOpusFile {
  const packets = oggPackets(file);
  const head = packets.next();
  if (head.done || !startsWith(head.value, "OpusHead") || head.value.byteLength < 19)
    throw new DecodeError("ogg", "no-opus-head", 0);
  const h = new DataView(head.value.buffer, head.value.byteOffset, head.value.byteLength);
  const tags = packets.next();
  if (tags.done || !startsWith(tags.value, "OpusTags"))
    throw new DecodeError("ogg", "no-opus-tags", 0);
  const audio: Uint8Array[] = [];
  for (const p of packets) if (p.byteLength > 0) audio.push(p);
  return {
    channels: head.value[9]!,
    preSkip: h.getUint16(10, true),
    inputSampleRate: h.getUint32(12, true),
    packets: audio,
  };
}
