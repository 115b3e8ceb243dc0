import { type Logger, type Rng, secureRng, silentLogger } from "@purertc/common";
import type { CryptoProvider } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";

/** Settings of one {@link SctpAssociation}. Durations are milliseconds. */
export interface SctpConfig {
  /** Our SCTP port (RFC 8841 `a=sctp-port`, 5000 by default in WebRTC). */
  readonly localPort: number;
  /** The peer's SCTP port. */
  readonly remotePort: number;
  /**
   * Largest SCTP packet we send before path MTU discovery raised it (bytes): the BASE_PLPMTU
   * of RFC 8899 §5.1.2, and the floor we fall back to. 1200 leaves room for DTLS, UDP and IPv6
   * headers under a 1280-byte path MTU (RFC 8261 §5). DATA chunks are always cut to fit a packet
   * of this size, so anything can be retransmitted after a fallback.
   */
  readonly mtu: number;
  /**
   * MAX_PLPMTU (RFC 8899 §5.1.2): the largest SCTP packet path MTU discovery probes for. One
   * SCTP packet travels in one DTLS record, whose plaintext is at most 2^14 bytes (RFC 6347
   * §4.1, RFC 5246 §6.2.1), hence the default. Set it to `mtu` to turn discovery off.
   */
  readonly maxMtu: number;
  /**
   * What a peer that does not announce its Receive MTU is assumed to accept (its EMTU_R, RFC 8899
   * §5.1.2): probes never exceed it. Default 1200, the base, so a peer is probed only when it
   * announces a larger Receive MTU (another purertc), and then up to that: probing silent peers
   * breaks them — libwebrtc (Chromium, @roamhq/wrtc) fails its whole DTLS transport on a datagram
   * over 2048 bytes (`kMaxDtlsPacketLen`), and werift (≤ 0.25) throws on the probe's PAD chunk
   * (RFC 4820) instead of skipping it (RFC 9260 §3.2), ending its Node process.
   */
  readonly peerReceiveMtu: number;
  /**
   * The Receive MTU we announce in INIT / INIT ACK (a purertc extension parameter, skipped by
   * other stacks): the largest SCTP packet we accept. 0 announces nothing.
   */
  readonly receiveMtu: number;
  /**
   * PROBE_TIMER (RFC 8899 §5.1.1): how long a probe may go unacknowledged before it counts as
   * lost (the current RTO when that is longer). RFC 8899 sets 1 s as the floor.
   */
  readonly pmtuProbeTimeoutMs: number;
  /** PMTU_RAISE_TIMER (RFC 8899 §5.1.1: 600 s): how often a completed search looks higher. */
  readonly pmtuRaiseIntervalMs: number;
  /** Our receive buffer: the a_rwnd we advertise when empty (bytes). */
  readonly receiveWindow: number;
  /** Outbound streams we ask for (OS); WebRTC uses the maximum (RFC 8831 §6.2). */
  readonly outboundStreams: number;
  /** Inbound streams we accept (MIS). */
  readonly inboundStreams: number;
  /** RTO.Initial (RFC 9260 §16: 1 s). */
  readonly rtoInitialMs: number;
  /**
   * RTO.Min. RFC 9260 §16 suggests 1 s; WebRTC stacks run lower so loss recovery on
   * short paths is not dominated by the timer (dcsctp and usrsctp in browsers do the same).
   * Keep it above the peer's delayed-SACK timeout (200 ms in every common stack, RFC 9260
   * §6.2): at 200 ms a lone message's T3-rtx fired just before the peer's delayed SACK came,
   * a spurious retransmission that cut cwnd to one MTU.
   */
  readonly rtoMinMs: number;
  /** RTO.Max (RFC 9260 §16: 60 s). */
  readonly rtoMaxMs: number;
  /** Association.Max.Retrans (RFC 9260 §16: 10): consecutive errors before failure. */
  readonly maxRetransmissions: number;
  /** Max.Init.Retransmits (RFC 9260 §16: 8). */
  readonly maxInitRetransmits: number;
  /** HB.interval (RFC 9260 §16: 30 s); 0 disables heartbeats. */
  readonly heartbeatIntervalMs: number;
  /** Delayed SACK timeout (RFC 9260 §6.2: at most 500 ms, 200 ms recommended). */
  readonly delayedAckMs: number;
  /** Valid.Cookie.Life (RFC 9260 §16: 60 s). */
  readonly cookieLifetimeMs: number;
  /** Offer the zero checksum (RFC 9653, method 1 = DTLS); used when the peer offers it too. */
  readonly zeroChecksum: boolean;
  /** Offer I-DATA / I-FORWARD-TSN (RFC 8260); used when the peer offers it too. */
  readonly interleaving: boolean;
  /**
   * Largest message the peer accepts (its `a=max-message-size`, RFC 8841 §6: 65536 when
   * absent; 0 means no limit). `send()` of a larger message throws `RangeError`.
   */
  readonly maxMessageSize: number;
  /** Largest message we accept (what we advertise in `a=max-message-size`). */
  readonly maxReceiveMessageSize: number;
  /** Out-of-order TSNs we hold before dropping more (bounds memory under attack). */
  readonly maxOutOfOrderTsns: number;
  readonly rng: Rng;
  readonly crypto: CryptoProvider;
  readonly logger: Logger;
}

/** Defaults, each citing its source. */
export const DEFAULT_SCTP_CONFIG: Readonly<SctpConfig> = Object.freeze({
  localPort: 5000,
  remotePort: 5000,
  mtu: 1200,
  maxMtu: 16384,
  peerReceiveMtu: 1200,
  receiveMtu: 16384,
  pmtuProbeTimeoutMs: 1000,
  pmtuRaiseIntervalMs: 600_000,
  receiveWindow: 4 * 1024 * 1024,
  outboundStreams: 65535,
  inboundStreams: 65535,
  rtoInitialMs: 1000,
  rtoMinMs: 220,
  rtoMaxMs: 60_000,
  maxRetransmissions: 10,
  maxInitRetransmits: 8,
  heartbeatIntervalMs: 30_000,
  delayedAckMs: 200,
  cookieLifetimeMs: 60_000,
  zeroChecksum: true,
  interleaving: false,
  maxMessageSize: 65536,
  maxReceiveMessageSize: 262144,
  maxOutOfOrderTsns: 16384,
  get rng(): Rng {
    return secureRng();
  },
  crypto: defaultCrypto,
  logger: silentLogger,
});

function positiveInt(name: string, v: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(v) || v < 0 || v > max)
    throw new RangeError(`SctpConfig.${name}: invalid ${v}`);
}

/** Merges `partial` over the defaults and validates the result. */
export function resolveSctpConfig(partial: Partial<SctpConfig> = {}): SctpConfig {
  const c: SctpConfig = {
    ...DEFAULT_SCTP_CONFIG,
    rng: partial.rng ?? secureRng(),
    ...partial,
  };
  positiveInt("localPort", c.localPort, 65535);
  positiveInt("remotePort", c.remotePort, 65535);
  if (!Number.isInteger(c.mtu) || c.mtu < 256 || c.mtu > 65535)
    throw new RangeError(`SctpConfig.mtu: invalid ${c.mtu}`);
  if (!Number.isInteger(c.maxMtu) || c.maxMtu < c.mtu || c.maxMtu > 65535)
    throw new RangeError(`SctpConfig.maxMtu: invalid ${c.maxMtu} (mtu..65535)`);
  for (const k of ["peerReceiveMtu", "receiveMtu"] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 0 || c[k] > 65535)
      throw new RangeError(`SctpConfig.${k}: invalid ${c[k]}`);
  }
  if (!(c.pmtuProbeTimeoutMs >= 1000) || !Number.isFinite(c.pmtuProbeTimeoutMs))
    throw new RangeError("SctpConfig.pmtuProbeTimeoutMs: RFC 8899 §5.1.1 asks for at least 1 s");
  if (!(c.pmtuRaiseIntervalMs > 0) || !Number.isFinite(c.pmtuRaiseIntervalMs))
    throw new RangeError(`SctpConfig.pmtuRaiseIntervalMs: invalid ${c.pmtuRaiseIntervalMs}`);
  if (
    !Number.isInteger(c.receiveWindow) ||
    c.receiveWindow < 1500 ||
    c.receiveWindow > 0xffffffff
  ) {
    throw new RangeError(`SctpConfig.receiveWindow: invalid ${c.receiveWindow}`);
  }
  for (const k of ["outboundStreams", "inboundStreams"] as const) {
    if (!Number.isInteger(c[k]) || c[k] < 1 || c[k] > 65535)
      throw new RangeError(`SctpConfig.${k}: invalid ${c[k]}`);
  }
  for (const k of [
    "rtoInitialMs",
    "rtoMinMs",
    "rtoMaxMs",
    "delayedAckMs",
    "cookieLifetimeMs",
  ] as const) {
    if (!(c[k] > 0) || !Number.isFinite(c[k]))
      throw new RangeError(`SctpConfig.${k}: invalid ${c[k]}`);
  }
  if (c.rtoMinMs > c.rtoMaxMs || c.rtoInitialMs > c.rtoMaxMs)
    throw new RangeError("SctpConfig: rtoMinMs/rtoInitialMs above rtoMaxMs");
  if (c.delayedAckMs > 500)
    throw new RangeError("SctpConfig.delayedAckMs: RFC 9260 §6.2 caps it at 500 ms");
  positiveInt("maxRetransmissions", c.maxRetransmissions);
  positiveInt("maxInitRetransmits", c.maxInitRetransmits);
  positiveInt("heartbeatIntervalMs", c.heartbeatIntervalMs);
  positiveInt("maxMessageSize", c.maxMessageSize);
  positiveInt("maxOutOfOrderTsns", c.maxOutOfOrderTsns);
  if (!Number.isInteger(c.maxReceiveMessageSize) || c.maxReceiveMessageSize < 1) {
    throw new RangeError(`SctpConfig.maxReceiveMessageSize: invalid ${c.maxReceiveMessageSize}`);
  }
  if (c.maxReceiveMessageSize > c.receiveWindow / 2) {
    throw new RangeError("SctpConfig.maxReceiveMessageSize must be at most half of receiveWindow");
  }
  return c;
}
