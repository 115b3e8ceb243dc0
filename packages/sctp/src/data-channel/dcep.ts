import { ByteReader, ByteWriter, utf8Decode, utf8Encode } from "@purertc/common";
import { LAYER } from "../constants.js";

/**
 * The Data Channel Establishment Protocol messages (RFC 8832 §5), carried on the channel's
 * stream with PPID 50.
 *
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Message Type |  Channel Type |            Priority           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                    Reliability Parameter                      |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         Label Length          |       Protocol Length         |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                             Label                             \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * \                            Protocol                           \
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 *
 * DATA_CHANNEL_ACK is the single byte 0x02.
 * ```
 */

export const DCEP_OPEN = 0x03;
export const DCEP_ACK = 0x02;

/** Channel types (RFC 8832 §5.1): bit 0x80 is "unordered". */
export const ChannelType = {
  RELIABLE: 0x00,
  RELIABLE_UNORDERED: 0x80,
  PARTIAL_RELIABLE_REXMIT: 0x01,
  PARTIAL_RELIABLE_REXMIT_UNORDERED: 0x81,
  PARTIAL_RELIABLE_TIMED: 0x02,
  PARTIAL_RELIABLE_TIMED_UNORDERED: 0x82,
} as const;

export interface DcepOpen {
  readonly kind: "open";
  readonly channelType: number;
  /** RFC 8832 §5.1 priority (W3C: very-low 128, low 256, medium 512, high 1024). */
  readonly priority: number;
  /** Retransmissions (rexmit types) or lifetime in ms (timed types); 0 for reliable. */
  readonly reliability: number;
  readonly label: string;
  readonly protocol: string;
}

export interface DcepAck {
  readonly kind: "ack";
}

export type DcepMessage = DcepOpen | DcepAck;

export function encodeDcep(m: DcepMessage): Uint8Array {
  if (m.kind === "ack") return Uint8Array.of(DCEP_ACK);
  const label = utf8Encode(m.label);
  const protocol = utf8Encode(m.protocol);
  if (label.byteLength > 0xffff || protocol.byteLength > 0xffff) {
    throw new RangeError("DCEP label and protocol are limited to 65535 bytes");
  }
  const w = new ByteWriter(12 + label.byteLength + protocol.byteLength);
  w.u8(DCEP_OPEN).u8(m.channelType).u16(m.priority).u32(m.reliability);
  w.u16(label.byteLength).u16(protocol.byteLength).bytes(label).bytes(protocol);
  return w.toBytes();
}

export function decodeDcep(bytes: Uint8Array): DcepMessage {
  const r = new ByteReader(bytes, LAYER);
  const type = r.u8();
  if (type === DCEP_ACK) return { kind: "ack" };
  if (type !== DCEP_OPEN) r.fail("bad-dcep-type", `type ${type}`, 0);
  const channelType = r.u8();
  const priority = r.u16();
  const reliability = r.u32();
  const labelLength = r.u16();
  const protocolLength = r.u16();
  const label = utf8Decode(r.bytes(labelLength));
  const protocol = utf8Decode(r.bytes(protocolLength));
  return { kind: "open", channelType, priority, reliability, label, protocol };
}
