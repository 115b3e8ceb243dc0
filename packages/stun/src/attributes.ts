/**
 * The non-address attributes of RFC 8489 §14, RFC 8445 §7.1 (ICE), RFC 5780 §7 and Google's
 * GOOG-NETWORK-INFO. Decoding errors carry offsets relative to the attribute value.
 */
import { DecodeError } from "@purertc/common";
import { defineStunAttribute, type StunAttributeCodec } from "./attribute-codec.js";
import { StunAttributeType } from "./constants.js";
import { readUtf8, readUtf8At, utf8Length, writeUtf8 } from "./utf8-text.js";

export { readUtf8, utf8Length, writeUtf8 } from "./utf8-text.js";

function fail(code: string, name: string, detail: string): never {
  throw new DecodeError("stun", code, 0, `${name}: ${detail}`);
}

function exactLength(v: Uint8Array, n: number, name: string): void {
  if (v.length !== n) fail("bad-attribute-length", name, `expected ${n} bytes, got ${v.length}`);
}

/** A UTF-8 text attribute limited to `maxBytes` (RFC 8489 gives limits in bytes). */
function textAttribute(type: number, name: string, maxBytes: number): StunAttributeCodec<string> {
  return defineStunAttribute<string>({
    type,
    name,
    valueLength: (s) => {
      const n = utf8Length(s);
      if (n > maxBytes) throw new RangeError(`${name} is limited to ${maxBytes} bytes, got ${n}`);
      return n;
    },
    write: (s, buf, off) => writeUtf8(s, buf, off),
    read: (v) => {
      if (v.length > maxBytes) fail("attribute-too-long", name, `${v.length} > ${maxBytes} bytes`);
      return readUtf8(v);
    },
    readAt: (buf, off, len) => {
      if (len > maxBytes) fail("attribute-too-long", name, `${len} > ${maxBytes} bytes`);
      return readUtf8At(buf, off, len);
    },
  });
}

/** An opaque byte-string attribute (MESSAGE-INTEGRITY, USERHASH, PADDING...). */
function bytesAttribute(
  type: number,
  name: string,
  check?: (n: number) => boolean,
): StunAttributeCodec<Uint8Array> {
  return defineStunAttribute<Uint8Array>({
    type,
    name,
    valueLength: (b) => b.length,
    write: (b, buf, off) => buf.set(b, off),
    read: (v) => {
      if (check && !check(v.length)) fail("bad-attribute-length", name, `${v.length} bytes`);
      return v;
    },
  });
}

function u32Attribute(type: number, name: string): StunAttributeCodec<number> {
  return defineStunAttribute<number>({
    type,
    name,
    valueLength: () => 4,
    write: (n, buf, off) => {
      buf[off] = n >>> 24;
      buf[off + 1] = (n >>> 16) & 0xff;
      buf[off + 2] = (n >>> 8) & 0xff;
      buf[off + 3] = n & 0xff;
    },
    read: (v) => {
      exactLength(v, 4, name);
      return ((v[0]! << 24) | (v[1]! << 16) | (v[2]! << 8) | v[3]!) >>> 0;
    },
    readAt: (b, o, len) => {
      if (len !== 4) fail("bad-attribute-length", name, `expected 4 bytes, got ${len}`);
      return ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
    },
  });
}

function readU64(b: Uint8Array, o: number, len: number, name: string): bigint {
  if (len !== 8) fail("bad-attribute-length", name, `expected 8 bytes, got ${len}`);
  const hi = ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
  const lo = ((b[o + 4]! << 24) | (b[o + 5]! << 16) | (b[o + 6]! << 8) | b[o + 7]!) >>> 0;
  return (BigInt(hi) << 32n) | BigInt(lo);
}

function u64Attribute(type: number, name: string): StunAttributeCodec<bigint> {
  return defineStunAttribute<bigint>({
    type,
    name,
    valueLength: () => 8,
    write: (n, buf, off) => {
      const hi = Number((n >> 32n) & 0xffffffffn);
      const lo = Number(n & 0xffffffffn);
      for (let i = 0; i < 4; i++) {
        buf[off + i] = (hi >>> (24 - 8 * i)) & 0xff;
        buf[off + 4 + i] = (lo >>> (24 - 8 * i)) & 0xff;
      }
    },
    read: (v) => readU64(v, 0, v.length, name),
    readAt: (b, o, len) => readU64(b, o, len, name),
  });
}

/** An attribute with an empty value whose presence is the information (USE-CANDIDATE). */
function flagAttribute(type: number, name: string): StunAttributeCodec<true> {
  return defineStunAttribute<true>({
    type,
    name,
    valueLength: () => 0,
    write: () => {},
    read: (v) => {
      exactLength(v, 0, name);
      return true;
    },
    readAt: (_b, _o, len) => {
      if (len !== 0) fail("bad-attribute-length", name, `expected 0 bytes, got ${len}`);
      return true;
    },
  });
}

/** USERNAME (RFC 8489 §14.3): at most 513 bytes of UTF-8. */
export const Username = textAttribute(StunAttributeType.Username, "USERNAME", 513);
/** REALM (RFC 8489 §14.9): fewer than 128 characters, at most 763 bytes. */
export const Realm = textAttribute(StunAttributeType.Realm, "REALM", 763);
/** NONCE (RFC 8489 §14.10): at most 763 bytes. */
export const Nonce = textAttribute(StunAttributeType.Nonce, "NONCE", 763);
/** SOFTWARE (RFC 8489 §14.14): at most 763 bytes. */
export const Software = textAttribute(StunAttributeType.Software, "SOFTWARE", 763);
/** ALTERNATE-DOMAIN (RFC 8489 §14.16): at most 255 bytes. */
export const AlternateDomain = textAttribute(
  StunAttributeType.AlternateDomain,
  "ALTERNATE-DOMAIN",
  255,
);

/** USERHASH (RFC 8489 §14.4): SHA-256 of `username:realm`, 32 bytes. */
export const Userhash = bytesAttribute(StunAttributeType.Userhash, "USERHASH", (n) => n === 32);
/** MESSAGE-INTEGRITY (RFC 8489 §14.5): the HMAC-SHA1, 20 bytes. Use `integrity.ts` to sign/verify. */
export const MessageIntegrity = bytesAttribute(
  StunAttributeType.MessageIntegrity,
  "MESSAGE-INTEGRITY",
  (n) => n === 20,
);
/** MESSAGE-INTEGRITY-SHA256 (RFC 8489 §14.6): 16 to 32 bytes, a multiple of 4. */
export const MessageIntegritySha256 = bytesAttribute(
  StunAttributeType.MessageIntegritySha256,
  "MESSAGE-INTEGRITY-SHA256",
  (n) => n >= 16 && n <= 32 && n % 4 === 0,
);
/** PADDING (RFC 5780 §7.6): filler bytes, echoed to test fragmentation. */
export const Padding = bytesAttribute(StunAttributeType.Padding, "PADDING");

/** FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message XOR 0x5354554e. */
export const Fingerprint = u32Attribute(StunAttributeType.Fingerprint, "FINGERPRINT");
/** PRIORITY (RFC 8445 §7.1.1). */
export const Priority = u32Attribute(StunAttributeType.Priority, "PRIORITY");
/** USE-CANDIDATE (RFC 8445 §7.1.2). */
export const UseCandidate = flagAttribute(StunAttributeType.UseCandidate, "USE-CANDIDATE");
/** ICE-CONTROLLED (RFC 8445 §7.1.3): the agent's 64-bit tie-breaker. */
export const IceControlled = u64Attribute(StunAttributeType.IceControlled, "ICE-CONTROLLED");
/** ICE-CONTROLLING (RFC 8445 §7.1.3): the agent's 64-bit tie-breaker. */
export const IceControlling = u64Attribute(StunAttributeType.IceControlling, "ICE-CONTROLLING");

/** RFC 5780 §7.2 CHANGE-REQUEST flags. */
export interface ChangeRequest {
  readonly changeIp: boolean;
  readonly changePort: boolean;
}

/**
 * CHANGE-REQUEST (RFC 5780 §7.2): bit A (0x4) changes the IP, bit B (0x2) the port.
 * ```
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 A B 0|
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const ChangeRequest = defineStunAttribute<ChangeRequest>({
  type: StunAttributeType.ChangeRequest,
  name: "CHANGE-REQUEST",
  valueLength: () => 4,
  write: (v, buf, off) => {
    buf.fill(0, off, off + 3);
    buf[off + 3] = (v.changeIp ? 4 : 0) | (v.changePort ? 2 : 0);
  },
  read: (v) => {
    exactLength(v, 4, "CHANGE-REQUEST");
    return { changeIp: (v[3]! & 4) !== 0, changePort: (v[3]! & 2) !== 0 };
  },
});

/** RESPONSE-PORT (RFC 5780 §7.5): a 16-bit port followed by 2 bytes of padding. */
export const ResponsePort = defineStunAttribute<number>({
  type: StunAttributeType.ResponsePort,
  name: "RESPONSE-PORT",
  valueLength: () => 4,
  write: (p, buf, off) => {
    buf[off] = p >>> 8;
    buf[off + 1] = p & 0xff;
    buf[off + 2] = 0;
    buf[off + 3] = 0;
  },
  read: (v) => {
    exactLength(v, 4, "RESPONSE-PORT");
    return (v[0]! << 8) | v[1]!;
  },
});

/** RFC 8489 §14.8 ERROR-CODE value. */
export interface StunError {
  /** 300-699. */
  readonly code: number;
  /** UTF-8 reason phrase (at most 763 bytes). */
  readonly reason: string;
}

/**
 * ERROR-CODE (RFC 8489 §14.8).
 * ```
 *  0                   1                   2                   3
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |           Reserved, should be 0         |Class|     Number    |
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * |      Reason Phrase (variable)                                ..
 * +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
 * ```
 */
export const ErrorCode = defineStunAttribute<StunError>({
  type: StunAttributeType.ErrorCode,
  name: "ERROR-CODE",
  valueLength: (e) => {
    if (!Number.isInteger(e.code) || e.code < 300 || e.code > 699) {
      throw new RangeError(`ERROR-CODE must be 300-699, got ${e.code}`);
    }
    return 4 + utf8Length(e.reason);
  },
  write: (e, buf, off) => {
    buf[off] = 0;
    buf[off + 1] = 0;
    buf[off + 2] = Math.floor(e.code / 100);
    buf[off + 3] = e.code % 100;
    writeUtf8(e.reason, buf, off + 4);
  },
  read: (v) => {
    if (v.length < 4) fail("bad-attribute-length", "ERROR-CODE", `${v.length} bytes`);
    const cls = v[2]! & 0x07;
    const num = v[3]!;
    if (cls < 3 || cls > 6 || num > 99)
      fail("bad-error-code", "ERROR-CODE", `class ${cls} number ${num}`);
    return { code: cls * 100 + num, reason: readUtf8(v.subarray(4)) };
  },
});

/** UNKNOWN-ATTRIBUTES (RFC 8489 §14.13): a list of 16-bit attribute types. */
export const UnknownAttributes = defineStunAttribute<readonly number[]>({
  type: StunAttributeType.UnknownAttributes,
  name: "UNKNOWN-ATTRIBUTES",
  valueLength: (list) => list.length * 2,
  write: (list, buf, off) => {
    for (let i = 0; i < list.length; i++) {
      buf[off + 2 * i] = list[i]! >>> 8;
      buf[off + 2 * i + 1] = list[i]! & 0xff;
    }
  },
  read: (v) => {
    if (v.length % 2 !== 0) fail("bad-attribute-length", "UNKNOWN-ATTRIBUTES", `${v.length} bytes`);
    const out: number[] = [];
    for (let i = 0; i < v.length; i += 2) out.push((v[i]! << 8) | v[i + 1]!);
    return out;
  },
});

/** A PASSWORD-ALGORITHM entry (RFC 8489 §14.11, §14.12). */
export interface PasswordAlgorithmValue {
  /** {@link StunPasswordAlgorithm} value: 1 = MD5, 2 = SHA-256. */
  readonly algorithm: number;
  readonly parameters: Uint8Array;
}

const EMPTY = new Uint8Array(0);

function pad4(n: number): number {
  return (n + 3) & ~3;
}

function algLength(a: PasswordAlgorithmValue): number {
  return 4 + pad4(a.parameters.length);
}

function writeAlg(a: PasswordAlgorithmValue, buf: Uint8Array, off: number): number {
  buf[off] = a.algorithm >>> 8;
  buf[off + 1] = a.algorithm & 0xff;
  buf[off + 2] = a.parameters.length >>> 8;
  buf[off + 3] = a.parameters.length & 0xff;
  buf.set(a.parameters, off + 4);
  buf.fill(0, off + 4 + a.parameters.length, off + algLength(a));
  return off + algLength(a);
}

function readAlg(v: Uint8Array, off: number, name: string): [PasswordAlgorithmValue, number] {
  if (off + 4 > v.length) fail("truncated", name, `algorithm at ${off}`);
  const algorithm = (v[off]! << 8) | v[off + 1]!;
  const len = (v[off + 2]! << 8) | v[off + 3]!;
  if (off + 4 + len > v.length) fail("truncated", name, `parameters of ${len} bytes`);
  const parameters = len ? v.subarray(off + 4, off + 4 + len) : EMPTY;
  return [{ algorithm, parameters }, Math.min(v.length, off + 4 + pad4(len))];
}

/** PASSWORD-ALGORITHM (RFC 8489 §14.12). */
export const PasswordAlgorithm = defineStunAttribute<PasswordAlgorithmValue>({
  type: StunAttributeType.PasswordAlgorithm,
  name: "PASSWORD-ALGORITHM",
  valueLength: algLength,
  write: (a, buf, off) => {
    writeAlg(a, buf, off);
  },
  read: (v) => {
    const [alg, end] = readAlg(v, 0, "PASSWORD-ALGORITHM");
    if (end !== v.length) fail("bad-attribute-length", "PASSWORD-ALGORITHM", "trailing bytes");
    return alg;
  },
});

/** PASSWORD-ALGORITHMS (RFC 8489 §14.11): the server's list, in preference order. */
export const PasswordAlgorithms = defineStunAttribute<readonly PasswordAlgorithmValue[]>({
  type: StunAttributeType.PasswordAlgorithms,
  name: "PASSWORD-ALGORITHMS",
  valueLength: (list) => list.reduce((n, a) => n + algLength(a), 0),
  write: (list, buf, off) => {
    let o = off;
    for (const a of list) o = writeAlg(a, buf, o);
  },
  read: (v) => {
    const out: PasswordAlgorithmValue[] = [];
    let off = 0;
    while (off < v.length) {
      const [alg, next] = readAlg(v, off, "PASSWORD-ALGORITHMS");
      out.push(alg);
      off = next;
    }
    return out;
  },
});

/** GOOG-NETWORK-INFO value (libwebrtc): the sender's network id and cost. */
export interface GoogNetworkInfo {
  readonly networkId: number;
  readonly networkCost: number;
}

/** GOOG-NETWORK-INFO (0xC057): 16-bit network id, 16-bit network cost. */
export const GoogNetworkInfo = defineStunAttribute<GoogNetworkInfo>({
  type: StunAttributeType.GoogNetworkInfo,
  name: "GOOG-NETWORK-INFO",
  valueLength: () => 4,
  write: (v, buf, off) => {
    buf[off] = v.networkId >>> 8;
    buf[off + 1] = v.networkId & 0xff;
    buf[off + 2] = v.networkCost >>> 8;
    buf[off + 3] = v.networkCost & 0xff;
  },
  read: (v) => {
    exactLength(v, 4, "GOOG-NETWORK-INFO");
    return { networkId: (v[0]! << 8) | v[1]!, networkCost: (v[2]! << 8) | v[3]! };
  },
});
