/**
 * Address attributes: MAPPED-ADDRESS (RFC 8489 §14.1), XOR-MAPPED-ADDRESS (§14.2),
 * ALTERNATE-SERVER (§14.15), RESPONSE-ORIGIN and OTHER-ADDRESS (RFC 5780 §7.3, §7.4).
 */
import { DecodeError, formatIPv4, formatIPv6, parseIp, type SocketAddress } from "@purertc/common";
import {
  defineStunAttribute,
  type StunAttributeCodec,
  type StunCodecContext,
} from "./attribute-codec.js";
import { MAGIC_COOKIE, StunAttributeType } from "./constants.js";

const FAMILY_IPV4 = 0x01;
const FAMILY_IPV6 = 0x02;

function ipBytes(address: string): Uint8Array {
  const b = parseIp(address);
  if (!b)
    throw new TypeError(`STUN address attribute: not an IP literal: ${JSON.stringify(address)}`);
  return b;
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 0xffff) {
    throw new RangeError(`STUN address attribute: bad port ${port}`);
  }
}

/**
 * ```
 *  0                   1                   2                   3
 *  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0|    Family     |     (X-)Port                  |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |         (X-)Address (32 bits or 128 bits)                     |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 * With `xor`, the port is XOR-ed with the top 16 bits of the magic cookie and the address with
 * the magic cookie (IPv4) or the cookie followed by the transaction id (IPv6).
 */
function readAddress(
  type: number,
  value: Uint8Array,
  ctx: StunCodecContext,
  xor: boolean,
): SocketAddress {
  const family = value.length >= 4 ? value[1] : undefined;
  const addrLen = family === FAMILY_IPV4 ? 4 : family === FAMILY_IPV6 ? 16 : -1;
  if (addrLen < 0) {
    throw new DecodeError("stun", "bad-address-family", 0, `attribute 0x${type.toString(16)}`);
  }
  if (value.length !== 4 + addrLen) {
    throw new DecodeError("stun", "bad-address-length", 0, `${value.length} bytes`);
  }
  let port = (value[2]! << 8) | value[3]!;
  if (!xor) {
    return {
      address: addrLen === 4 ? formatIPv4(value, 4) : formatIPv6(value, 4),
      port,
    };
  }
  port ^= MAGIC_COOKIE >>> 16;
  const ip = new Uint8Array(addrLen);
  for (let i = 0; i < addrLen; i++) ip[i] = value[4 + i]! ^ xorByte(i, ctx.transactionId);
  return { address: addrLen === 4 ? formatIPv4(ip) : formatIPv6(ip), port };
}

/** Byte `i` of magic-cookie ‖ transaction-id. */
function xorByte(i: number, tid: Uint8Array): number {
  return i < 4 ? (MAGIC_COOKIE >>> (24 - 8 * i)) & 0xff : tid[i - 4]!;
}

function addressLength(a: SocketAddress): number {
  return a.address.includes(":") ? 20 : 8;
}

function writeAddress(
  a: SocketAddress,
  buf: Uint8Array,
  offset: number,
  ctx: StunCodecContext,
  xor: boolean,
): void {
  checkPort(a.port);
  const ip = ipBytes(a.address);
  buf[offset] = 0;
  buf[offset + 1] = ip.length === 4 ? FAMILY_IPV4 : FAMILY_IPV6;
  const port = xor ? a.port ^ (MAGIC_COOKIE >>> 16) : a.port;
  buf[offset + 2] = port >>> 8;
  buf[offset + 3] = port & 0xff;
  for (let i = 0; i < ip.length; i++) {
    buf[offset + 4 + i] = xor ? ip[i]! ^ xorByte(i, ctx.transactionId) : ip[i]!;
  }
}

/**
 * Builds the codec of an address attribute. `@purertc/turn` uses it for XOR-PEER-ADDRESS and
 * XOR-RELAYED-ADDRESS.
 */
export function defineAddressAttribute(
  type: number,
  name: string,
  xor: boolean,
): StunAttributeCodec<SocketAddress> {
  return defineStunAttribute<SocketAddress>({
    type,
    name,
    valueLength: addressLength,
    write: (v, buf, off, ctx) => writeAddress(v, buf, off, ctx, xor),
    read: (v, ctx) => readAddress(type, v, ctx, xor),
  });
}

/** MAPPED-ADDRESS (RFC 8489 §14.1), kept for RFC 3489 clients. */
export const MappedAddress = defineAddressAttribute(
  StunAttributeType.MappedAddress,
  "MAPPED-ADDRESS",
  false,
);
/** XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the reflexive transport address. */
export const XorMappedAddress = defineAddressAttribute(
  StunAttributeType.XorMappedAddress,
  "XOR-MAPPED-ADDRESS",
  true,
);
/** ALTERNATE-SERVER (RFC 8489 §14.15), sent with 300 Try Alternate. */
export const AlternateServer = defineAddressAttribute(
  StunAttributeType.AlternateServer,
  "ALTERNATE-SERVER",
  false,
);
/** RESPONSE-ORIGIN (RFC 5780 §7.3): where the response was sent from. */
export const ResponseOrigin = defineAddressAttribute(
  StunAttributeType.ResponseOrigin,
  "RESPONSE-ORIGIN",
  false,
);
/** OTHER-ADDRESS (RFC 5780 §7.4): the server's alternate address and port. */
export const OtherAddress = defineAddressAttribute(
  StunAttributeType.OtherAddress,
  "OTHER-ADDRESS",
  false,
);
