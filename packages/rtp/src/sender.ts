import type { Millis } from "@purertc/common";
import type { SenderReport } from "./rtcp-report.js";
import type { RtpPacket } from "./rtp-packet.js";
import { wrapRtx } from "./rtx.js";

/** Settings of a {@link PacketHistory}. */
export interface PacketHistoryConfig {
  /** Packets kept for retransmission (power of two not required). */
  readonly capacity: number;
  /** A packet is not resent again within this time (about one RTT), per RFC 4588 §6.3's advice. */
  readonly minResendIntervalMs: number;
  /** RTX stream (RFC 4588): retransmissions go on this SSRC/PT when both are set. */
  readonly rtxSsrc: number | undefined;
  readonly rtxPayloadType: number | undefined;
}

export const DEFAULT_PACKET_HISTORY_CONFIG: PacketHistoryConfig = Object.freeze({
  capacity: 1024,
  minResendIntervalMs: 20,
  rtxSsrc: undefined,
  rtxPayloadType: undefined,
});

interface Entry {
  header: RtpPacket["header"];
  paddingSize: number;
  /** The payload is `buf[0 .. length)`; the packet object is made only when it is resent. */
  length: number;
  lastSentAt: Millis;
  /** The slot's payload storage, reused by later packets of the slot (no copy per packet). */
  buf: Uint8Array;
}

/**
 * Send-side history of recent packets, to answer generic NACKs (RFC 4585 §6.2.1) with
 * retransmissions, RTX-wrapped (RFC 4588) when an RTX stream is configured.
 */
export class PacketHistory {
  readonly #cfg: PacketHistoryConfig;
  readonly #ring: (Entry | undefined)[];
  #rtxSeq = 0;
  #resent = 0;

  constructor(config: Partial<PacketHistoryConfig> = {}, rtxFirstSequenceNumber = 0) {
    this.#cfg = { ...DEFAULT_PACKET_HISTORY_CONFIG, ...config };
    if (!Number.isInteger(this.#cfg.capacity) || this.#cfg.capacity < 1) {
      throw new RangeError(`PacketHistory: capacity ${this.#cfg.capacity}`);
    }
    this.#ring = new Array(this.#cfg.capacity);
    this.#rtxSeq = rtxFirstSequenceNumber & 0xffff;
  }

  /**
   * Records a sent packet. Its payload is copied into the slot's buffer, which later packets of
   * the same slot reuse, so steady sending allocates no payload copies.
   */
  handleSent(now: Millis, packet: RtpPacket): void {
    const i = packet.header.sequenceNumber % this.#cfg.capacity;
    const n = packet.payload.byteLength;
    const e = this.#ring[i];
    if (e !== undefined && e.buf.byteLength >= n) {
      e.buf.set(packet.payload);
      e.header = packet.header;
      e.paddingSize = packet.paddingSize;
      e.length = n;
      e.lastSentAt = now;
      return;
    }
    const buf = new Uint8Array(Math.max(n, 1200));
    buf.set(packet.payload);
    this.#ring[i] = {
      header: packet.header,
      paddingSize: packet.paddingSize,
      length: n,
      lastSentAt: now,
      buf,
    };
  }

  /**
   * The packets to resend for the NACKed sequence numbers (unknown or too recent ones skipped).
   * Without RTX the packets returned view the history's storage: send them before the next
   * {@link PacketHistory.handleSent}.
   */
  handleNack(now: Millis, sequenceNumbers: readonly number[]): RtpPacket[] {
    const out: RtpPacket[] = [];
    for (const seq of sequenceNumbers) {
      const e = this.#ring[seq % this.#cfg.capacity];
      if (e === undefined || e.header.sequenceNumber !== seq) continue;
      if (now < e.lastSentAt + this.#cfg.minResendIntervalMs) continue;
      e.lastSentAt = now;
      this.#resent++;
      const packet = {
        header: e.header,
        payload: e.buf.subarray(0, e.length),
        paddingSize: e.paddingSize,
      };
      const { rtxSsrc, rtxPayloadType } = this.#cfg;
      if (rtxSsrc !== undefined && rtxPayloadType !== undefined) {
        out.push(wrapRtx(packet, rtxSsrc, rtxPayloadType, this.#rtxSeq));
        this.#rtxSeq = (this.#rtxSeq + 1) & 0xffff;
      } else {
        out.push(packet);
      }
    }
    return out;
  }

  get packetsResent(): number {
    return this.#resent;
  }
}

/**
 * Builds Sender Reports (RFC 3550 §6.4.1): counts packets and payload octets sent and maps the
 * caller's NTP time to the media clock ("the same time as the NTP timestamp ... but in the same
 * units and with the same random offset as the RTP timestamps").
 */
export class SenderReportBuilder {
  readonly ssrc: number;
  readonly clockRate: number;
  #packets = 0;
  #octets = 0;
  #lastRtp: number | undefined;
  #lastAt: Millis = 0;

  constructor(ssrc: number, clockRate: number) {
    if (!(clockRate > 0)) throw new RangeError(`SenderReportBuilder: clock rate ${clockRate}`);
    this.ssrc = ssrc;
    this.clockRate = clockRate;
  }

  /** Records a sent media packet (not retransmissions). `now` is when it left. */
  handleSent(now: Millis, packet: RtpPacket): void {
    this.#packets = (this.#packets + 1) >>> 0;
    this.#octets = (this.#octets + packet.payload.byteLength) >>> 0;
    this.#lastRtp = packet.header.timestamp;
    this.#lastAt = now;
  }

  /**
   * An SR for `now`, with `ntpTime` the wall clock at `now` as a 64-bit NTP timestamp (see
   * {@link ntpFromUnixMs}); the RTP timestamp is extrapolated from the last packet sent.
   */
  build(now: Millis, ntpTime: bigint): SenderReport {
    const base = this.#lastRtp ?? 0;
    const rtpTimestamp = (base + Math.round(((now - this.#lastAt) * this.clockRate) / 1000)) >>> 0;
    return {
      type: "sr",
      ssrc: this.ssrc,
      ntpTime,
      rtpTimestamp,
      packetCount: this.#packets,
      octetCount: this.#octets,
      reports: [],
    };
  }
}

/** Seconds between the NTP epoch (1900) and the Unix epoch (1970). */
const NTP_UNIX_OFFSET = 2208988800n;

/** A 64-bit NTP timestamp (RFC 5905 §6) from Unix milliseconds. */
export function ntpFromUnixMs(ms: number): bigint {
  const whole = Math.floor(ms / 1000);
  const frac = BigInt(Math.round(((ms - whole * 1000) / 1000) * 2 ** 32));
  return ((BigInt(whole) + NTP_UNIX_OFFSET) << 32n) + frac;
}

/** Unix milliseconds from a 64-bit NTP timestamp. */
export function unixMsFromNtp(ntp: bigint): number {
  return (
    Number((ntp >> 32n) - NTP_UNIX_OFFSET) * 1000 + (Number(ntp & 0xffffffffn) / 2 ** 32) * 1000
  );
}

/** Assigns transport-wide sequence numbers (one counter for every stream of a transport). */
export class TransportCcSequencer {
  #next: number;

  constructor(first = 0) {
    this.#next = first & 0xffff;
  }

  /** The next 16-bit transport-wide sequence number. */
  next(): number {
    const v = this.#next;
    this.#next = (v + 1) & 0xffff;
    return v;
  }
}
