/**
 * Settings of the media session: RTCP report timing (RFC 3550 §6.2/§6.3, RFC 4585 §3.5), the
 * bandwidth assumed for streams that state none, the RTCP size limit, the jitter buffer's NACK
 * timing and the wall clock of SR timestamps.
 */
import type { ReceiveStream } from "./receive-stream.js";
import type { RtcpIntervalInput } from "./rtcp-interval.js";
import type { SendStream } from "./send-stream.js";

/** Settings of a {@link MediaSession}. */
export interface MediaSessionConfig {
  /**
   * RFC 4585 §3.6.3 trr-int: the least time between regular RTCP reports (randomized over
   * [0.5, 1.5] of it, §3.5.3). AVPF alone (Tmin 0) reports every few tens of ms at Mbit/s
   * rates; 1000 keeps libwebrtc's one report a second. 0 lets RFC 3550 §6.3 alone decide.
   */
  readonly trrIntervalMs: number;
  /** RTP/AVPF timing (RFC 4585 §3.5.1); false: plain RTP/AVP Tmin (RFC 3550 §6.2). */
  readonly avpf: boolean;
  /** AVP only: the reduced minimum interval 360 / session-kbps s (RFC 3550 §6.2). */
  readonly reducedMinimum: boolean;
  /** Session bandwidth of an audio stream without `maxBitrate` or `b=` (bits/s; Opus's top). */
  readonly audioBandwidthBps: number;
  /** Session bandwidth of a video stream without `maxBitrate` or `b=` (bits/s). */
  readonly videoBandwidthBps: number;
  /** Largest RTCP compound before SRTCP (the 1200-byte MTU less SRTCP's 20-byte trailer). */
  readonly maxRtcpBytes: number;
  /** Jitter buffer: time between NACKs of one packet (about one RTT) and the give-up time. */
  readonly nackIntervalMs: number;
  readonly giveUpMs: number;
  /** Wall clock at `now` = 0, for SR NTP timestamps (RFC 3550 §6.4.1); 0 keeps them relative. */
  readonly wallClockOffsetMs: number;
}

export const DEFAULT_MEDIA_SESSION_CONFIG: MediaSessionConfig = Object.freeze({
  trrIntervalMs: 1000,
  avpf: true,
  reducedMinimum: false,
  audioBandwidthBps: 64_000,
  videoBandwidthBps: 2_000_000,
  maxRtcpBytes: 1180,
  nackIntervalMs: 50,
  giveUpMs: 1000,
  wallClockOffsetMs: 0,
});

/**
 * The session as RFC 3550 A.7 sees it: members are our reporting SSRCs (the RTCP SSRC when no
 * stream sent) and the peer's bound ones; senders those that sent RTP since `since` (the
 * second-last report, §6.3.8); the session bandwidth (§6.2) sums the m= sections: a section's
 * `b=` figure when it has one (RFC 3556 §2), else its streams' `bandwidthBps` or kind default.
 */
export function rtcpIntervalInput(
  cfg: MediaSessionConfig,
  senders: Iterable<SendStream>,
  receivers: Iterable<ReceiveStream>,
  since: number,
): RtcpIntervalInput {
  let local = 0;
  let sending = 0;
  let weSent = false;
  const sections = new Map<string, number>();
  const stated = new Set<string>();
  const count = (c: SendStream["config"] | ReceiveStream["config"]) => {
    if (c.sectionBandwidthBps !== undefined) {
      sections.set(c.mid, c.sectionBandwidthBps);
      stated.add(c.mid);
    } else if (!stated.has(c.mid)) {
      const own =
        c.bandwidthBps ?? (c.kind === "audio" ? cfg.audioBandwidthBps : cfg.videoBandwidthBps);
      sections.set(c.mid, (sections.get(c.mid) ?? 0) + own);
    }
  };
  for (const tx of senders) {
    count(tx.config);
    if (tx.sentAny) local++;
    if (tx.lastRtpAt !== undefined && tx.lastRtpAt >= since) {
      sending++;
      weSent = true;
    }
  }
  let remote = 0;
  for (const rx of receivers) {
    count(rx.config);
    if (rx.mediaSsrc !== undefined) remote++;
    if (rx.lastPacketReceivedAt !== undefined && rx.lastPacketReceivedAt >= since) sending++;
  }
  let bw = 0;
  for (const v of sections.values()) bw += v;
  return {
    members: Math.max(local, 1) + remote,
    senders: sending,
    weSent,
    sessionBandwidthBps: bw,
  };
}
