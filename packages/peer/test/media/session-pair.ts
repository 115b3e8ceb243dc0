/**
 * Two media sessions keyed with fixed SRTP keys (no ICE/DTLS), wired to each other with a
 * constant one-way delay in simulated time; every datagram each side sends is also kept, and a
 * third "tap" context with the same keys reads them (as a capture on the wire would).
 */
import { type Millis, seededRng, silentLogger } from "@purertc/common";
import { nodeCrypto } from "@purertc/crypto/node";
import { type SrtpConfig, SrtpContext, type SrtpMasterKey } from "@purertc/srtp";
import {
  defaultCodecs,
  defaultExtmaps,
  type MediaReceiveConfig,
  type MediaSendConfig,
  MediaSession,
  type MediaSessionConfig,
} from "../../src/index.js";

const key = (b: number): SrtpMasterKey => ({
  masterKey: new Uint8Array(16).fill(b),
  masterSalt: new Uint8Array(14).fill(b + 1),
});
const KEYS = { a: key(1), b: key(5) };

/** One side's SRTP context: protects with its key, verifies the other's. */
export function srtpFor(side: "a" | "b", config?: Partial<SrtpConfig>): SrtpContext {
  const other = side === "a" ? "b" : "a";
  return new SrtpContext({
    profile: "SRTP_AES128_CM_HMAC_SHA1_80",
    local: KEYS[side],
    remote: KEYS[other],
    crypto: nodeCrypto,
    ...(config ? { config } : {}),
  });
}

/** A datagram as it left a session. */
export interface Sent {
  readonly at: Millis;
  readonly from: "a" | "b";
  readonly data: Uint8Array;
}

export interface SessionPair {
  readonly a: MediaSession;
  readonly b: MediaSession;
  readonly sent: Sent[];
  now(): Millis;
  /** Delivers queued datagrams and runs timers until `until`. */
  runUntil(until: Millis): void;
}

/** `n` video streams each way (ids 0..n-1, SSRCs 0x1000+i on a, 0x2000+i on b). */
export function streams(side: "a" | "b", n: number, bandwidthBps?: number) {
  const senders: MediaSendConfig[] = [];
  const receivers: MediaReceiveConfig[] = [];
  const mine = side === "a" ? 0x1000 : 0x2000;
  const theirs = side === "a" ? 0x2000 : 0x1000;
  for (let i = 0; i < n; i++) {
    const kind = "video" as const;
    const base = { id: i, mid: String(i), kind, codecs: defaultCodecs(kind) };
    const extmaps = defaultExtmaps(kind);
    senders.push({ ...base, extmaps, ssrc: mine + i, rtxSsrc: undefined, bandwidthBps });
    receivers.push({ ...base, extmaps, ssrcs: [theirs + i], rtxSsrcs: new Map(), bandwidthBps });
  }
  return { senders, receivers };
}

export function sessionPair(
  config: Partial<MediaSessionConfig> = {},
  opts: { latencyMs?: number; srtp?: Partial<SrtpConfig> } = {},
): SessionPair {
  const latency = opts.latencyMs ?? 10;
  const a = new MediaSession(seededRng(1), silentLogger, "a-cname-0123456789", config);
  const b = new MediaSession(seededRng(2), silentLogger, "b-cname-0123456789", config);
  a.setSrtp(0, srtpFor("a", opts.srtp));
  b.setSrtp(0, srtpFor("b", opts.srtp));
  const sent: Sent[] = [];
  const inFlight: { at: Millis; to: MediaSession; data: Uint8Array }[] = [];
  let now = 0;
  const drain = () => {
    for (const [from, s, to] of [
      ["a", a, b],
      ["b", b, a],
    ] as const)
      for (let d = s.pollTransmit(); d; d = s.pollTransmit()) {
        sent.push({ at: now, from, data: d });
        inFlight.push({ at: now + latency, to, data: d });
      }
  };
  return {
    a,
    b,
    sent,
    now: () => now,
    runUntil(until) {
      drain();
      for (;;) {
        const timers = [a.pollTimeout(), b.pollTimeout(), ...inFlight.map((f) => f.at)];
        const next = Math.min(...timers.filter((t): t is number => t !== undefined));
        if (!(next <= until)) break;
        now = Math.max(now, next);
        for (let i = 0; i < inFlight.length; ) {
          const f = inFlight[i]!;
          if (f.at > now) i++;
          else {
            inFlight.splice(i, 1);
            f.to.handleDatagram(now, f.data);
          }
        }
        if ((a.pollTimeout() ?? Infinity) <= now) a.handleTimeout(now);
        if ((b.pollTimeout() ?? Infinity) <= now) b.handleTimeout(now);
        drain();
      }
      now = until;
    },
  };
}
