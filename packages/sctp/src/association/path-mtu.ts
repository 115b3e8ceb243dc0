/**
 * Packetization Layer Path MTU Discovery for SCTP (RFC 8899, §6.2 for SCTP): the association
 * starts at BASE_PLPMTU (`config.mtu`), sends probe packets of a chosen size (a HEARTBEAT with a
 * PAD chunk filling the packet, RFC 8899 §6.2.1.2 and RFC 4820), and raises the PLPMTU only when
 * the peer acknowledges one. A peer that cannot receive a probe never answers it, so nothing
 * changes for it.
 *
 * - Search (§5.3.1): MAX_PLPMTU (`config.maxMtu`) first, then a binary search between the
 *   largest confirmed size and the smallest failed one, down to {@link SEARCH_STEP} bytes.
 * - A size fails after MAX_PROBES (§5.1.2: 3) probes unacknowledged for PROBE_TIMER each.
 * - Black holes (§4.3): when T3-rtx expires above the base, packets go out at the base size at
 *   once while a probe of the current PLPMTU confirms it; MAX_PROBES lost confirmations drop
 *   the PLPMTU to the base and the search starts over below the size that failed.
 * - Raise (§5.1.1 PMTU_RAISE_TIMER): a completed search looks higher again periodically.
 *
 * DATA chunks are always cut to fit a base-size packet, so a packet of the raised size only
 * bundles more of them: whatever is in flight when the path shrinks can be retransmitted.
 */
import type { Millis } from "@purertc/common";
import { encodeHeartbeatInto } from "../chunks/heartbeat.js";
import { encodePadInto } from "../chunks/pad.js";
import { COMMON_HEADER_LENGTH, writeChecksum, writeCommonHeader } from "../packet.js";
import type { AssociationContext } from "./context.js";

/** Where discovery is (RFC 8899 §5.2; a black hole leads back to a search from the base). */
export type PathMtuState = "disabled" | "base" | "searching" | "search-complete";

/** RFC 8899 §5.1.2: MAX_PROBES. */
const MAX_PROBES = 3;
/** The search ends when the confirmed and failed sizes are this close. */
const SEARCH_STEP = 32;
/** HEARTBEAT info of a probe: send time, nonce, probe size (a heartbeat's own info is 12 bytes). */
const PROBE_INFO_LENGTH = 16;
/** Common header, HEARTBEAT chunk header, Heartbeat Info parameter header and info. */
const PROBE_HEARTBEAT_END = COMMON_HEADER_LENGTH + 4 + 4 + PROBE_INFO_LENGTH;

/** The PLPMTUD state of one association. */
export class PathMtu {
  readonly base: number;
  /** MAX_PLPMTU: the configured maximum, lowered to the peer's EMTU_R once known. */
  max: number;
  state: PathMtuState;
  /** The PLPMTU: the largest SCTP packet confirmed to reach the peer. */
  current: number;
  /** Smallest size known to fail (above `max` while none has). */
  high: number;
  /** Size of the outstanding probe, 0 when none. */
  probeSize = 0;
  /** Consecutive unacknowledged probes of `probeSize` (PROBE_COUNT). */
  probeCount = 0;
  nonce = 0;
  /** T3-rtx expired above the base: send at the base size until the PLPMTU is confirmed. */
  confirming = false;
  probesSent = 0;
  probesAcked = 0;
  blackHoles = 0;

  constructor(base: number, max: number) {
    this.base = base & ~3;
    this.max = Math.max(this.base, max & ~3);
    this.current = this.base;
    this.high = this.max + 1;
    this.state = this.max > this.base ? "base" : "disabled";
  }

  /** The largest packet to build now. */
  get sendSize(): number {
    return this.confirming ? this.base : this.current;
  }

  /**
   * The largest DATA chunk (header included) to cut now: it fits a base-size packet alone, and
   * chunks of this size fill a packet of the current size evenly (a 2008-byte packet carries two
   * 996-byte chunks rather than one of 1188 and a sliver).
   */
  chunkSize(): number {
    const room = this.sendSize - COMMON_HEADER_LENGTH;
    const perPacket = Math.ceil(room / (this.base - COMMON_HEADER_LENGTH));
    return Math.floor(room / perPacket) & ~3;
  }

  /** The next size to search, or undefined when the search is complete. */
  nextSearchSize(): number | undefined {
    if (this.high > this.max) return this.max > this.current ? this.max : undefined;
    if (this.high - this.current <= SEARCH_STEP) return undefined;
    return ((this.current + this.high) / 2) & ~3;
  }
}

/**
 * The association is established: start searching (the handshake went through at the base) up
 * to what the peer announced it accepts, or `config.peerReceiveMtu` when it announced nothing.
 */
export function startPathMtuDiscovery(
  ctx: AssociationContext,
  now: Millis,
  peerReceiveMtu: number,
): void {
  const p = ctx.pmtu;
  const emtuR = peerReceiveMtu > 0 ? peerReceiveMtu : ctx.config.peerReceiveMtu;
  p.max = Math.max(p.base, Math.min(p.max, emtuR & ~3));
  p.high = p.max + 1;
  if (p.max === p.base) p.state = "disabled";
  if (p.state !== "base") return;
  p.state = "searching";
  searchNext(ctx, now);
}

/** T3-rtx expired (RFC 8899 §4.3): if the PLPMTU is above the base, confirm it. */
export function onPathMtuLoss(ctx: AssociationContext, now: Millis): void {
  const p = ctx.pmtu;
  if (p.state === "disabled" || p.confirming || p.current <= p.base) return;
  p.confirming = true;
  ctx.log.debug("loss above the base PLPMTU: confirming it", { pmtu: p.current });
  sendProbe(ctx, now, p.current, true);
}

/** The PLPMTUD timer: a probe timed out (PROBE_TIMER) or it is time to look higher. */
export function onPathMtuTimer(ctx: AssociationContext, now: Millis): void {
  const p = ctx.pmtu;
  if (!ctx.tcb || p.state === "disabled" || p.state === "base") return;
  if (p.probeSize === 0) {
    // PMTU_RAISE_TIMER: forget which sizes failed and search above the current PLPMTU.
    p.high = p.max + 1;
    p.state = "searching";
    searchNext(ctx, now);
    return;
  }
  if (++p.probeCount < MAX_PROBES) {
    sendProbe(ctx, now, p.probeSize, false);
    return;
  }
  const failed = p.probeSize;
  p.probeSize = 0;
  p.probeCount = 0;
  p.high = failed;
  if (p.confirming) {
    // A black hole: the path no longer carries the PLPMTU. Back to the base, search below.
    p.confirming = false;
    p.blackHoles++;
    ctx.log.debug("black hole detected: back to the base PLPMTU", { failed, base: p.base });
    setPathMtu(ctx, p.base);
    p.state = "searching";
  }
  searchNext(ctx, now);
}

/** A HEARTBEAT ACK whose info is a probe's. Returns false when the info is not a probe's. */
export function onPathMtuProbeAck(ctx: AssociationContext, now: Millis, info: Uint8Array): boolean {
  if (info.byteLength !== PROBE_INFO_LENGTH) return false;
  const p = ctx.pmtu;
  const v = new DataView(info.buffer, info.byteOffset, PROBE_INFO_LENGTH);
  const size = v.getUint32(12);
  if (p.probeSize === 0 || v.getUint32(8) !== p.nonce || size !== p.probeSize) return true;
  p.probesAcked++;
  p.probeSize = 0;
  p.probeCount = 0;
  ctx.errorCount = 0; // the peer answered (RFC 9260 §8.3)
  ctx.timers.clear("pmtu");
  if (p.confirming) {
    p.confirming = false;
    ctx.log.debug("PLPMTU confirmed", { pmtu: size });
    if (p.state === "search-complete") armRaise(ctx, now);
    else searchNext(ctx, now);
    return true;
  }
  setPathMtu(ctx, size);
  searchNext(ctx, now);
  return true;
}

function setPathMtu(ctx: AssociationContext, size: number): void {
  const p = ctx.pmtu;
  if (p.current === size) return;
  ctx.log.debug("PLPMTU changed", { from: p.current, to: size });
  p.current = size;
  if (ctx.tcb) ctx.tcb.cc.mtu = size;
}

function searchNext(ctx: AssociationContext, now: Millis): void {
  const p = ctx.pmtu;
  const size = p.nextSearchSize();
  if (size === undefined) {
    p.state = "search-complete";
    armRaise(ctx, now);
    return;
  }
  sendProbe(ctx, now, size, true);
}

function armRaise(ctx: AssociationContext, now: Millis): void {
  const p = ctx.pmtu;
  if (p.current < p.max) ctx.timers.set("pmtu", now + ctx.config.pmtuRaiseIntervalMs);
  else ctx.timers.clear("pmtu");
}

/** Queues a probe packet of exactly `size` bytes: HEARTBEAT + PAD (RFC 8899 §6.2.1.2). */
function sendProbe(ctx: AssociationContext, now: Millis, size: number, fresh: boolean): void {
  const p = ctx.pmtu;
  if (fresh) {
    p.probeCount = 0;
    p.nonce = ctx.config.rng.nextU32();
  }
  p.probeSize = size;
  p.probesSent++;
  ctx.log.trace("PLPMTU probe", { size, count: p.probeCount });
  const info = new Uint8Array(PROBE_INFO_LENGTH);
  const v = new DataView(info.buffer);
  v.setFloat64(0, now);
  v.setUint32(8, p.nonce);
  v.setUint32(12, size);
  const packet = new Uint8Array(size);
  encodeHeartbeatInto({ kind: "heartbeat", info }, packet, COMMON_HEADER_LENGTH);
  encodePadInto(
    { kind: "pad", padding: size - PROBE_HEARTBEAT_END - 4 },
    packet,
    PROBE_HEARTBEAT_END,
  );
  writeCommonHeader(packet, ctx.config.localPort, ctx.config.remotePort, ctx.peerTag);
  if (!ctx.out.zeroChecksum) writeChecksum(packet);
  ctx.out.solo.push(packet);
  ctx.timers.set("pmtu", now + Math.max(ctx.config.pmtuProbeTimeoutMs, ctx.rto.value));
}
