/**
 * The TURN attributes of RFC 8656 §18 (and RFC 6062's CONNECTION-ID), registered into the
 * `@purertc/stun` codec through its extension point. Decoders throw only `DecodeError`.
 */
import { DecodeError, type SocketAddress } from "@purertc/common";
import {
  defineAddressAttribute,
  defineStunAttribute,
  readUtf8,
  type StunAttributeCodec,
  utf8Length,
  writeUtf8,
} from "@purertc/stun";
import { ADDRESS_FAMILY_IPV4, ADDRESS_FAMILY_IPV6, TurnAttributeType } from "./constants.js";

function fail(code: string, name: string, detail: string): never {
  throw new DecodeError("turn", code, 0, `${name}: ${detail}`);
}

function exactLength(v: Uint8Array, n: number, name: string): void {
  if (v.length !== n) fail("bad-attribute-length", name, `expected ${n} bytes, got ${v.length}`);
}

/** An IP family as TURN carries it. */
export type TurnAddressFamily = 4 | 6;

function familyCode(f: TurnAddressFamily): number {
  if (f === 4) return ADDRESS_FAMILY_IPV4;
  if (f === 6) return ADDRESS_FAMILY_IPV6;
  throw new RangeError(`address family must be 4 or 6, got ${String(f)}`);
}

function readFamily(code: number, name: string): TurnAddressFamily {
  if (code === ADDRESS_FAMILY_IPV4) return 4;
  if (code === ADDRESS_FAMILY_IPV6) return 6;
  return fail("bad-address-family", name, `family 0x${code.toString(16)}`);
}

/**
 * CHANNEL-NUMBER (RFC 8656 §18.1).
 * ```
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |        Channel Number         |         RFFU = 0              |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const ChannelNumber = defineStunAttribute<number>({
  type: TurnAttributeType.ChannelNumber,
  name: "CHANNEL-NUMBER",
  valueLength: () => 4,
  write: (n, buf, off) => {
    buf[off] = n >>> 8;
    buf[off + 1] = n & 0xff;
    buf[off + 2] = 0;
    buf[off + 3] = 0;
  },
  read: (v) => {
    exactLength(v, 4, "CHANNEL-NUMBER");
    return (v[0]! << 8) | v[1]!;
  },
});

/** LIFETIME (RFC 8656 §18.2): seconds, 32 bits. */
export const Lifetime = defineStunAttribute<number>({
  type: TurnAttributeType.Lifetime,
  name: "LIFETIME",
  valueLength: () => 4,
  write: (s, buf, off) => {
    buf[off] = s >>> 24;
    buf[off + 1] = (s >>> 16) & 0xff;
    buf[off + 2] = (s >>> 8) & 0xff;
    buf[off + 3] = s & 0xff;
  },
  read: (v) => {
    exactLength(v, 4, "LIFETIME");
    return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
  },
});

/** XOR-PEER-ADDRESS (RFC 8656 §18.3): a peer's transport address, XOR-ed like XOR-MAPPED-ADDRESS. */
export const XorPeerAddress: StunAttributeCodec<SocketAddress> = defineAddressAttribute(
  TurnAttributeType.XorPeerAddress,
  "XOR-PEER-ADDRESS",
  true,
);

/** DATA (RFC 8656 §18.4): the application data of Send and Data indications. */
export const Data = defineStunAttribute<Uint8Array>({
  type: TurnAttributeType.Data,
  name: "DATA",
  valueLength: (d) => d.length,
  write: (d, buf, off) => buf.set(d, off),
  read: (v) => v,
});

/** XOR-RELAYED-ADDRESS (RFC 8656 §18.5): the relayed transport address of an allocation. */
export const XorRelayedAddress: StunAttributeCodec<SocketAddress> = defineAddressAttribute(
  TurnAttributeType.XorRelayedAddress,
  "XOR-RELAYED-ADDRESS",
  true,
);

function familyAttribute(type: number, name: string): StunAttributeCodec<TurnAddressFamily> {
  return defineStunAttribute<TurnAddressFamily>({
    type,
    name,
    valueLength: () => 4,
    write: (f, buf, off) => {
      buf[off] = familyCode(f);
      buf[off + 1] = 0;
      buf[off + 2] = 0;
      buf[off + 3] = 0;
    },
    read: (v) => {
      exactLength(v, 4, name);
      return readFamily(v[0]!, name);
    },
  });
}

/**
 * REQUESTED-ADDRESS-FAMILY (RFC 8656 §18.6).
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |     Family    |            Reserved                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const RequestedAddressFamily = familyAttribute(
  TurnAttributeType.RequestedAddressFamily,
  "REQUESTED-ADDRESS-FAMILY",
);

/** ADDITIONAL-ADDRESS-FAMILY (RFC 8656 §18.11): same layout; only IPv6 is allowed in it. */
export const AdditionalAddressFamily = familyAttribute(
  TurnAttributeType.AdditionalAddressFamily,
  "ADDITIONAL-ADDRESS-FAMILY",
);

/** EVEN-PORT value (RFC 8656 §18.7): R asks the server to reserve the next port too. */
export interface EvenPortValue {
  readonly reserveNext: boolean;
}

/**
 * EVEN-PORT (RFC 8656 §18.7).
 * ```
 * +-+-+-+-+-+-+-+-+
 * |R|    RFFU     |
 * +-+-+-+-+-+-+-+-+
 * ```
 */
export const EvenPort = defineStunAttribute<EvenPortValue>({
  type: TurnAttributeType.EvenPort,
  name: "EVEN-PORT",
  valueLength: () => 1,
  write: (v, buf, off) => {
    buf[off] = v.reserveNext ? 0x80 : 0;
  },
  read: (v) => {
    exactLength(v, 1, "EVEN-PORT");
    return { reserveNext: (v[0]! & 0x80) !== 0 };
  },
});

/**
 * REQUESTED-TRANSPORT (RFC 8656 §18.8): an IANA protocol number (17 = UDP).
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |    Protocol   |                    RFFU                       |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const RequestedTransport = defineStunAttribute<number>({
  type: TurnAttributeType.RequestedTransport,
  name: "REQUESTED-TRANSPORT",
  valueLength: () => 4,
  write: (p, buf, off) => {
    buf[off] = p & 0xff;
    buf[off + 1] = 0;
    buf[off + 2] = 0;
    buf[off + 3] = 0;
  },
  read: (v) => {
    exactLength(v, 4, "REQUESTED-TRANSPORT");
    return v[0]!;
  },
});

/** DONT-FRAGMENT (RFC 8656 §18.9): no value. */
export const DontFragment = defineStunAttribute<true>({
  type: TurnAttributeType.DontFragment,
  name: "DONT-FRAGMENT",
  valueLength: () => 0,
  write: () => {},
  read: (v) => {
    exactLength(v, 0, "DONT-FRAGMENT");
    return true;
  },
});

/** RESERVATION-TOKEN (RFC 8656 §18.10): 8 opaque bytes. */
export const ReservationToken = defineStunAttribute<Uint8Array>({
  type: TurnAttributeType.ReservationToken,
  name: "RESERVATION-TOKEN",
  valueLength: (t) => {
    if (t.length !== 8) throw new RangeError("RESERVATION-TOKEN must be 8 bytes");
    return 8;
  },
  write: (t, buf, off) => buf.set(t, off),
  read: (v) => {
    exactLength(v, 8, "RESERVATION-TOKEN");
    return v;
  },
});

/** CONNECTION-ID (RFC 6062 §6.2.1): 32 bits. */
export const ConnectionId = defineStunAttribute<number>({
  type: TurnAttributeType.ConnectionId,
  name: "CONNECTION-ID",
  valueLength: () => 4,
  write: (s, buf, off) => {
    buf[off] = s >>> 24;
    buf[off + 1] = (s >>> 16) & 0xff;
    buf[off + 2] = (s >>> 8) & 0xff;
    buf[off + 3] = s & 0xff;
  },
  read: (v) => {
    exactLength(v, 4, "CONNECTION-ID");
    return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
  },
});

/** ADDRESS-ERROR-CODE value (RFC 8656 §18.12): why one family of a dual allocation failed. */
export interface AddressErrorCodeValue {
  readonly family: TurnAddressFamily;
  readonly code: number;
  readonly reason: string;
}

/**
 * ADDRESS-ERROR-CODE (RFC 8656 §18.12).
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Family       |    Reserved             |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const AddressErrorCode = defineStunAttribute<AddressErrorCodeValue>({
  type: TurnAttributeType.AddressErrorCode,
  name: "ADDRESS-ERROR-CODE",
  valueLength: (e) => {
    if (!Number.isInteger(e.code) || e.code < 300 || e.code > 699) {
      throw new RangeError(`ADDRESS-ERROR-CODE must be 300-699, got ${e.code}`);
    }
    return 4 + utf8Length(e.reason);
  },
  write: (e, buf, off) => {
    buf[off] = familyCode(e.family);
    buf[off + 1] = 0;
    buf[off + 2] = Math.floor(e.code / 100);
    buf[off + 3] = e.code % 100;
    writeUtf8(e.reason, buf, off + 4);
  },
  read: (v) => {
    if (v.length < 4) fail("bad-attribute-length", "ADDRESS-ERROR-CODE", `${v.length} bytes`);
    const cls = v[2]! & 0x07;
    const num = v[3]!;
    if (cls < 3 || cls > 6 || num > 99) {
      fail("bad-error-code", "ADDRESS-ERROR-CODE", `class ${cls} number ${num}`);
    }
    return {
      family: readFamily(v[0]!, "ADDRESS-ERROR-CODE"),
      code: cls * 100 + num,
      reason: readUtf8(v.subarray(4)),
    };
  },
});

/** ICMP value (RFC 8656 §18.13): an ICMP error a peer's datagram triggered. */
export interface IcmpValue {
  readonly type: number;
  readonly code: number;
  /** Type-specific data (e.g. the MTU of "fragmentation needed"). */
  readonly errorData: number;
}

/**
 * ICMP (RFC 8656 §18.13).
 * ```
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |  Reserved                     |  ICMP Type    |  ICMP Code    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |                          Error Data                           |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const Icmp = defineStunAttribute<IcmpValue>({
  type: TurnAttributeType.Icmp,
  name: "ICMP",
  valueLength: () => 8,
  write: (v, buf, off) => {
    buf[off] = 0;
    buf[off + 1] = 0;
    buf[off + 2] = v.type & 0xff;
    buf[off + 3] = v.code & 0xff;
    const d = v.errorData >>> 0;
    buf[off + 4] = d >>> 24;
    buf[off + 5] = (d >>> 16) & 0xff;
    buf[off + 6] = (d >>> 8) & 0xff;
    buf[off + 7] = d & 0xff;
  },
  read: (v) => {
    exactLength(v, 8, "ICMP");
    return {
      type: v[2]!,
      code: v[3]!,
      errorData: ((v[4]! << 24) | (v[5]! << 16) | (v[6]! << 8) | v[7]!) >>> 0,
    };
  },
});
