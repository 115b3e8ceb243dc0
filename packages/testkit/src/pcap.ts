/**
 * A pcap (libpcap "tcpdump" format) writer for simulated runs, pure: it returns byte chunks and
 * the Node adapter writes them to a file. Datagrams are wrapped in synthesized IPv4/IPv6 + UDP
 * headers with valid checksums under LINKTYPE_RAW, so Wireshark decodes STUN, DTLS and the rest
 * as if captured on a real interface.
 */
import { type Millis, parseIp, type SocketAddress } from "@purertc/common";
import type { Tap, TapRecord } from "./net-sim.js";

/** LINKTYPE_RAW: each packet starts with an IPv4 or IPv6 header (tcpdump.org link types). */
export const LINKTYPE_RAW = 101;

/** The classic pcap magic number (microsecond timestamps), written little-endian. */
export const PCAP_MAGIC = 0xa1b2c3d4;

/*
 * Global header (24 bytes):  magic u32 | version_major u16 (2) | version_minor u16 (4) |
 * thiszone i32 | sigfigs u32 | snaplen u32 | network (link type) u32
 */
/** The 24-byte pcap global header. */
export function encodePcapHeader(snaplen = 65535, linkType = LINKTYPE_RAW): Uint8Array {
  const out = new Uint8Array(24);
  const v = new DataView(out.buffer);
  v.setUint32(0, PCAP_MAGIC, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, snaplen, true);
  v.setUint32(20, linkType, true);
  return out;
}

/*
 * Record header (16 bytes): ts_sec u32 | ts_usec u32 | incl_len u32 | orig_len u32, then the
 * packet bytes (truncated to snaplen).
 */
/** One pcap record holding `packet`, stamped with simulated time `atMs`. */
export function encodePcapRecord(atMs: Millis, packet: Uint8Array, snaplen = 65535): Uint8Array {
  const incl = Math.min(packet.byteLength, snaplen);
  const out = new Uint8Array(16 + incl);
  const v = new DataView(out.buffer);
  let sec = Math.floor(atMs / 1000);
  let usec = Math.round((atMs - sec * 1000) * 1000);
  if (usec >= 1_000_000) {
    sec++;
    usec -= 1_000_000;
  }
  v.setUint32(0, sec, true);
  v.setUint32(4, usec, true);
  v.setUint32(8, incl, true);
  v.setUint32(12, packet.byteLength, true);
  out.set(packet.subarray(0, incl), 16);
  return out;
}

function sum16(b: Uint8Array, start: number, end: number, acc: number): number {
  let s = acc;
  for (let i = start; i + 1 < end; i += 2) s += (b[i]! << 8) | b[i + 1]!;
  if ((end - start) & 1) s += b[end - 1]! << 8;
  return s;
}

function fold(s: number): number {
  let x = s;
  while (x > 0xffff) x = (x & 0xffff) + Math.floor(x / 0x10000);
  return ~x & 0xffff;
}

/**
 * An IP packet carrying `payload` in UDP from `from` to `to` (both IPv4 or both IPv6).
 * RFC 791 / RFC 8200 header, RFC 768 UDP header, checksums computed (mandatory for IPv6).
 */
export function encodeUdpPacket(
  from: SocketAddress,
  to: SocketAddress,
  payload: Uint8Array,
  ipId = 0,
): Uint8Array {
  const src = parseIp(from.address);
  const dst = parseIp(to.address);
  if (!src || !dst || src.byteLength !== dst.byteLength) {
    throw new RangeError(
      `encodeUdpPacket: ${from.address} → ${to.address} is not a same-family IP pair`,
    );
  }
  const v6 = src.byteLength === 16;
  const ipLen = v6 ? 40 : 20;
  const udpLen = 8 + payload.byteLength;
  const out = new Uint8Array(ipLen + udpLen);
  const v = new DataView(out.buffer);
  if (v6) {
    //  version 6 | traffic class | flow label, payload length, next header 17, hop limit 64
    v.setUint32(0, 0x60000000);
    v.setUint16(4, udpLen);
    out[6] = 17;
    out[7] = 64;
    out.set(src, 8);
    out.set(dst, 24);
  } else {
    // version 4, IHL 5 | TOS | total length | id | DF | TTL 64 | protocol 17 | checksum | src | dst
    out[0] = 0x45;
    v.setUint16(2, ipLen + udpLen);
    v.setUint16(4, ipId & 0xffff);
    v.setUint16(6, 0x4000);
    out[8] = 64;
    out[9] = 17;
    out.set(src, 12);
    out.set(dst, 16);
    v.setUint16(10, fold(sum16(out, 0, 20, 0)));
  }
  v.setUint16(ipLen, from.port);
  v.setUint16(ipLen + 2, to.port);
  v.setUint16(ipLen + 4, udpLen);
  out.set(payload, ipLen + 8);
  // RFC 768 / RFC 8200 §8.1 pseudo-header: src, dst, protocol, UDP length.
  let s = sum16(src, 0, src.byteLength, 0);
  s = sum16(dst, 0, dst.byteLength, s);
  s += 17 + udpLen;
  s = sum16(out, ipLen, out.byteLength, s);
  const ck = fold(s);
  v.setUint16(ipLen + 6, ck === 0 ? 0xffff : ck);
  return out;
}

/** What a {@link PcapRecorder} records. */
export interface PcapRecorderOptions {
  /**
   * Which tap records to write (default `["sent"]`: every datagram as it leaves its sender,
   * including the ones the network later drops).
   */
  readonly kinds?: readonly TapRecord["kind"][];
  readonly snaplen?: number;
}

/**
 * Collects a capture of a simulated run: pass {@link PcapRecorder.tap} to a NetSim
 * (`sim.addTap(rec.tap)`), then write {@link PcapRecorder.chunks} to a `.pcap` file.
 */
export class PcapRecorder {
  readonly #chunks: Uint8Array[];
  readonly #kinds: ReadonlySet<TapRecord["kind"]>;
  readonly #snaplen: number;
  #ipId = 0;
  /** The tap to install on a NetSim. */
  readonly tap: Tap = (r) => {
    if (this.#kinds.has(r.kind)) this.record(r.at, r.from, r.to, r.data);
  };

  constructor(options: PcapRecorderOptions = {}) {
    this.#snaplen = options.snaplen ?? 65535;
    this.#kinds = new Set(options.kinds ?? ["sent"]);
    this.#chunks = [encodePcapHeader(this.#snaplen)];
  }

  /** Records one UDP datagram at simulated time `atMs`. */
  record(atMs: Millis, from: SocketAddress, to: SocketAddress, data: Uint8Array): void {
    this.#ipId = (this.#ipId + 1) & 0xffff;
    this.#chunks.push(
      encodePcapRecord(atMs, encodeUdpPacket(from, to, data, this.#ipId), this.#snaplen),
    );
  }

  /** Packets recorded so far. */
  get count(): number {
    return this.#chunks.length - 1;
  }

  /** The file so far: the global header followed by one chunk per packet. */
  chunks(): readonly Uint8Array[] {
    return this.#chunks;
  }

  /** The file so far as one buffer. */
  toBytes(): Uint8Array {
    let n = 0;
    for (const c of this.#chunks) n += c.byteLength;
    const out = new Uint8Array(n);
    let o = 0;
    for (const c of this.#chunks) {
      out.set(c, o);
      o += c.byteLength;
    }
    return out;
  }
}
