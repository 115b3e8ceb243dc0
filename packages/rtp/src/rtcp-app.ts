import type { ByteReader, ByteWriter } from "@purertc/common";

/**
 * Application-defined packet (RFC 3550 §6.7, PT=204):
 * ```
 *    0                   1                   2                   3
 *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |V=2|P| subtype |   PT=APP=204  |             length            |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                           SSRC/CSRC                           |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                          name (ASCII)                         |
 *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *   |                   application-dependent data                ...
 * ```
 */
export interface ApplicationDefined {
  readonly type: "app";
  /** 5-bit subtype. */
  readonly subtype: number;
  readonly ssrc: number;
  /** Four ASCII characters. */
  readonly name: string;
  /** A multiple of 4 bytes. */
  readonly data: Uint8Array;
}

export const RTCP_APP = 204;

/** @internal */
export function decodeAppBody(r: ByteReader, count: number): ApplicationDefined {
  const ssrc = r.u32();
  const n = r.bytes(4);
  const name = String.fromCharCode(n[0]!, n[1]!, n[2]!, n[3]!);
  return { type: "app", subtype: count, ssrc, name, data: r.rest() };
}

/** @internal */
export function appBodyLength(p: ApplicationDefined): number {
  return 8 + p.data.byteLength;
}

/** @internal */
export function writeAppBody(p: ApplicationDefined, w: ByteWriter): void {
  if (p.name.length !== 4 || !/^[\x20-\x7e]{4}$/.test(p.name)) {
    throw new RangeError(`RTCP APP: name "${p.name}" must be 4 ASCII characters`);
  }
  if (p.data.byteLength % 4 !== 0) throw new RangeError("RTCP APP: data not 32-bit aligned");
  w.u32(p.ssrc);
  for (let i = 0; i < 4; i++) w.u8(p.name.charCodeAt(i));
  w.bytes(p.data);
}
