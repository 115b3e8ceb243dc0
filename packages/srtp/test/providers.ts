import type { CryptoProvider } from "@purertc/crypto";
import { nobleCrypto } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";

/** Both backends, for `describe.each`: every test must pass on each. */
export const PROVIDERS: readonly [string, CryptoProvider][] = [
  ["noble", nobleCrypto],
  ["node", nodeCrypto],
];

/** A minimal RTP packet: version 2, no CSRC/extension, `payload` after the 12-byte header. */
export function rtpPacket(seq: number, ssrc: number, payload: Uint8Array, pt = 96): Uint8Array {
  const p = new Uint8Array(12 + payload.byteLength);
  p[0] = 0x80;
  p[1] = pt;
  p[2] = seq >>> 8;
  p[3] = seq & 0xff;
  p[4] = 0x12;
  p[5] = 0x34;
  p[6] = 0x56;
  p[7] = 0x78;
  p[8] = ssrc >>> 24;
  p[9] = (ssrc >>> 16) & 0xff;
  p[10] = (ssrc >>> 8) & 0xff;
  p[11] = ssrc & 0xff;
  p.set(payload, 12);
  return p;
}
