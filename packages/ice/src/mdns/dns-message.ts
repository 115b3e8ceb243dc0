/**
 * DNS messages (RFC 1035 §4.1) as multicast DNS uses them (RFC 6762): header, questions with
 * the unicast-response bit (§5.4) and resource records with the cache-flush bit (§10.2). Names
 * are decoded with compression pointers (RFC 1035 §4.1.4) and encoded without them.
 *
 * ```
 *                                 1  1  1  1  1  1
 *   0  1  2  3  4  5  6  7  8  9  0  1  2  3  4  5
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                      ID                       |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |QR|   Opcode  |AA|TC|RD|RA|   Z    |   RCODE   |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * |                    QDCOUNT                    |
 * |                    ANCOUNT                    |
 * |                    NSCOUNT                    |
 * |                    ARCOUNT                    |
 * +--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+--+
 * ```
 */
import { ByteReader, ByteWriter, DecodeError, formatIp, parseIp } from "@purertc/common";

/** RFC 1035 §3.2.2 / RFC 3596: the record types mDNS candidates use. */
export const DnsType = { A: 1, AAAA: 28, ANY: 255 } as const;
/** RFC 1035 §3.2.4: the Internet class. */
export const DNS_CLASS_IN = 1;
/** RFC 1035 §4.1.1: the QR bit (a response) and AA (authoritative answer, RFC 6762 §18.4). */
export const DNS_FLAG_RESPONSE = 0x8000;
export const DNS_FLAG_AUTHORITATIVE = 0x0400;

export interface DnsQuestion {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** RFC 6762 §5.4: the QU bit (top bit of the class) asks for a unicast response. */
  readonly unicastResponse: boolean;
}

export interface DnsRecord {
  readonly name: string;
  readonly type: number;
  readonly class: number;
  /** RFC 6762 §10.2: the top bit of the class in a response. */
  readonly cacheFlush: boolean;
  /** Seconds. */
  readonly ttl: number;
  /** RDATA; for A/AAAA the 4 or 16 address bytes. */
  readonly data: Uint8Array;
}

export interface DnsMessage {
  readonly id: number;
  readonly flags: number;
  readonly questions: readonly DnsQuestion[];
  readonly answers: readonly DnsRecord[];
  readonly authorities: readonly DnsRecord[];
  readonly additionals: readonly DnsRecord[];
}

const MAX_NAME = 255;

function readName(r: ByteReader, buf: Uint8Array): string {
  const labels: string[] = [];
  let pos = r.offset;
  let jumped = false;
  let jumps = 0;
  let length = 0;
  for (;;) {
    if (pos >= buf.length) throw new DecodeError("dns", "truncated", pos, "name");
    const len = buf[pos]!;
    if ((len & 0xc0) === 0xc0) {
      // RFC 1035 §4.1.4: a pointer to an earlier name.
      if (pos + 1 >= buf.length) throw new DecodeError("dns", "truncated", pos, "pointer");
      const target = ((len & 0x3f) << 8) | buf[pos + 1]!;
      if (!jumped) r.skip(pos + 2 - r.offset);
      jumped = true;
      if (++jumps > 64 || target >= buf.length) throw new DecodeError("dns", "bad-pointer", pos);
      pos = target;
      continue;
    }
    if ((len & 0xc0) !== 0) throw new DecodeError("dns", "bad-label", pos);
    if (len === 0) {
      if (!jumped) r.skip(pos + 1 - r.offset);
      break;
    }
    if (pos + 1 + len > buf.length) throw new DecodeError("dns", "truncated", pos, "label");
    length += len + 1;
    if (length > MAX_NAME) throw new DecodeError("dns", "name-too-long", pos);
    let label = "";
    for (let i = 0; i < len; i++) label += String.fromCharCode(buf[pos + 1 + i]!);
    labels.push(label);
    pos += 1 + len;
  }
  return labels.join(".");
}

function readRecord(r: ByteReader, buf: Uint8Array): DnsRecord {
  const name = readName(r, buf);
  const type = r.u16();
  const cls = r.u16();
  const ttl = r.u32();
  const len = r.u16();
  const data = r.bytes(len);
  return { name, type, class: cls & 0x7fff, cacheFlush: (cls & 0x8000) !== 0, ttl, data };
}

/** Decodes a DNS message. Throws only `DecodeError` (layer `"dns"`). */
export function decodeDnsMessage(buf: Uint8Array): DnsMessage {
  const r = new ByteReader(buf, "dns");
  const id = r.u16();
  const flags = r.u16();
  const counts = [r.u16(), r.u16(), r.u16(), r.u16()] as const;
  // Each question needs ≥ 5 bytes and each record ≥ 11: reject absurd counts before looping.
  if (counts[0] * 5 + (counts[1] + counts[2] + counts[3]) * 11 > r.remaining)
    throw new DecodeError("dns", "bad-count", 4);
  const questions: DnsQuestion[] = [];
  for (let i = 0; i < counts[0]; i++) {
    const name = readName(r, buf);
    const type = r.u16();
    const cls = r.u16();
    questions.push({ name, type, class: cls & 0x7fff, unicastResponse: (cls & 0x8000) !== 0 });
  }
  const section = (n: number) => {
    const out: DnsRecord[] = [];
    for (let i = 0; i < n; i++) out.push(readRecord(r, buf));
    return out;
  };
  const answers = section(counts[1]);
  const authorities = section(counts[2]);
  const additionals = section(counts[3]);
  return { id, flags, questions, answers, authorities, additionals };
}

function writeName(w: ByteWriter, name: string): void {
  const labels = name.split(".").filter((l) => l.length > 0);
  for (const l of labels) {
    if (l.length > 63) throw new RangeError(`DNS label longer than 63 bytes: ${l}`);
    w.u8(l.length);
    for (let i = 0; i < l.length; i++) {
      const c = l.charCodeAt(i);
      if (c > 0x7f) throw new RangeError(`non-ASCII DNS label: ${l}`);
      w.u8(c);
    }
  }
  w.u8(0);
}

function writeRecord(w: ByteWriter, rec: DnsRecord): void {
  writeName(w, rec.name);
  w.u16(rec.type);
  w.u16((rec.class & 0x7fff) | (rec.cacheFlush ? 0x8000 : 0));
  w.u32(rec.ttl);
  w.u16(rec.data.length);
  w.bytes(rec.data);
}

/** Encodes a DNS message (names uncompressed). */
export function encodeDnsMessage(m: DnsMessage): Uint8Array {
  const w = new ByteWriter(512);
  w.u16(m.id);
  w.u16(m.flags);
  w.u16(m.questions.length);
  w.u16(m.answers.length);
  w.u16(m.authorities.length);
  w.u16(m.additionals.length);
  for (const q of m.questions) {
    writeName(w, q.name);
    w.u16(q.type);
    w.u16((q.class & 0x7fff) | (q.unicastResponse ? 0x8000 : 0));
  }
  for (const r of m.answers) writeRecord(w, r);
  for (const r of m.authorities) writeRecord(w, r);
  for (const r of m.additionals) writeRecord(w, r);
  return w.toBytes();
}

/** The address of an A or AAAA record, or `undefined` for other records. */
export function recordAddress(r: DnsRecord): string | undefined {
  if (r.type === DnsType.A && r.data.length === 4) return formatIp(r.data);
  if (r.type === DnsType.AAAA && r.data.length === 16) return formatIp(r.data);
  return undefined;
}

/** An A or AAAA record for `address` (RFC 6762 §10: host records have a TTL of 120 s). */
export function addressRecord(name: string, address: string, ttl = 120): DnsRecord {
  const data = parseIp(address);
  if (!data) throw new TypeError(`not an IP address: ${address}`);
  return {
    name,
    type: data.length === 4 ? DnsType.A : DnsType.AAAA,
    class: DNS_CLASS_IN,
    cacheFlush: true,
    ttl,
    data,
  };
}
