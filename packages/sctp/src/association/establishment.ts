/**
 * Association establishment (RFC 9260 §5.1, §5.2): INIT, INIT ACK, COOKIE ECHO and COOKIE ACK,
 * T1-init / T1-cookie, INIT collision and stale cookies. Builds the TCB once both sides agree.
 */
import type { Millis } from "@purertc/common";
import type { InitChunk } from "../chunks/init.js";
import { protocolViolationCause, staleCookieCause } from "../error-causes.js";
import { unrecognizedToReport } from "./capabilities.js";
import type { AssociationContext } from "./context.js";
import {
  buildInitChunk,
  cookieStateFor,
  initValid,
  type Pending,
  pendingFromCookie,
  pendingFromInitAck,
} from "./handshake.js";
import { armHeartbeat } from "./heartbeat-monitor.js";
import { startPathMtuDiscovery } from "./path-mtu.js";
import { ReConfigHandler } from "./re-config-handler.js";
import { Tcb } from "./tcb.js";

/** Sends INIT and arms T1-init (§5.1 A). */
export function sendInit(ctx: AssociationContext): void {
  const c = ctx.config;
  const init = buildInitChunk("init", c, ctx.localTag, ctx.localInitialTsn, []);
  // RFC 9653 §5.2: INIT always carries a correct CRC32c.
  ctx.out.packet(0, init, true);
  ctx.timers.set("t1-init", ctx.now + ctx.rto.value);
}

function sendCookieEcho(ctx: AssociationContext): void {
  const cookie = ctx.pending?.cookie;
  if (!cookie) return;
  ctx.out.chunk({ kind: "cookie-echo", cookie });
  ctx.timers.set("t1-cookie", ctx.now + ctx.rto.value);
}

/** T1-init or T1-cookie expired (§5.1 C): retransmit with a backed-off RTO, or give up. */
export function onT1(ctx: AssociationContext, timer: "t1-init" | "t1-cookie"): void {
  if (++ctx.initCount > ctx.config.maxInitRetransmits) {
    ctx.end("handshake-timeout");
    return;
  }
  ctx.rto.backoff();
  if (timer === "t1-init") sendInit(ctx);
  else sendCookieEcho(ctx);
}

/** An INIT (§5.1 B, §5.2.1, §5.2.2): answer with an INIT ACK carrying a signed cookie. */
export function onInit(ctx: AssociationContext, init: InitChunk): void {
  if (!initValid(init)) {
    // §3.3.2: a zero tag or stream count is invalid: ABORT (tag reflected from the INIT).
    const causes = [protocolViolationCause("invalid INIT")];
    ctx.out.packet(init.initiateTag, { kind: "abort", reflectedTag: false, causes });
    return;
  }
  if (ctx.state === "shutdown-ack-sent") return;
  const c = ctx.config;
  const state = cookieStateFor(init, c, ctx.localTag, ctx.localInitialTsn, ctx.now);
  const cookie = ctx.signer.sign(state);
  const extra = [{ kind: "state-cookie", cookie } as const, ...unrecognizedToReport(init)];
  // RFC 9653 §5.1 lets an INIT ACK announce Zero Checksum Acceptable on its own, but stacks that
  // predate RFC 9260 §3.2.1's "skip" rule for unknown 0b10 parameters (Pion's sctp before 1.8.12,
  // in Debian 12's Pion 3.1.56) drop an INIT ACK carrying it and never connect: we announce it
  // only to a peer whose INIT offered it too (the zero checksum is only used then anyway).
  // The Receive MTU parameter (a purertc extension, same 0b10 type bits) likewise goes only to
  // a peer whose INIT carried it.
  const offered = init.params.some((p) => p.kind === "zero-checksum-acceptable");
  const announced = init.params.some((p) => p.kind === "receive-mtu");
  const offer = {
    ...c,
    zeroChecksum: c.zeroChecksum && offered,
    receiveMtu: announced ? c.receiveMtu : 0,
  };
  const ack = buildInitChunk("init-ack", offer, ctx.localTag, ctx.localInitialTsn, extra);
  // §5.2.1: the INIT ACK carries the INIT's initiate tag as verification tag.
  ctx.out.packet(init.initiateTag, ack, true);
}

/** An INIT ACK (§5.1 C, §5.2.3): echo its cookie. */
export function onInitAck(ctx: AssociationContext, ack: InitChunk): void {
  if (ctx.state !== "cookie-wait" || !initValid(ack)) return; // §5.2.3: discard otherwise
  const pending = pendingFromInitAck(ack, ctx.config);
  if (!pending) {
    ctx.fail("local-abort");
    return;
  }
  ctx.timers.clear("t1-init");
  ctx.pending = pending;
  ctx.peerTag = ack.initiateTag;
  ctx.state = "cookie-echoed";
  ctx.initCount = 0;
  sendCookieEcho(ctx);
}

/** A COOKIE ECHO (§5.1.5, §5.2.4): verify our signature, then establish and acknowledge. */
export function onCookieEcho(ctx: AssociationContext, now: Millis, cookie: Uint8Array): void {
  const check = ctx.signer.verify(cookie, now, ctx.config.cookieLifetimeMs);
  if (check === undefined) return; // §5.1.5 step 2: not ours, discard silently
  const s = check.state;
  if (s.localTag !== ctx.localTag) return;
  if (ctx.tcb) {
    // §5.2.4 action D: tags match an existing association: just acknowledge again.
    if (s.peerTag === ctx.peerTag) ctx.out.chunk({ kind: "cookie-ack" });
    return;
  }
  if (check.staleMs > 0) {
    ctx.sendError([staleCookieCause(check.staleMs * 1000)]);
    return;
  }
  if (ctx.state === "cookie-echoed" && ctx.pending?.peerTag !== s.peerTag) return;
  ctx.peerTag = s.peerTag;
  establish(ctx, pendingFromCookie(s), s.localInitialTsn);
  ctx.out.chunk({ kind: "cookie-ack" });
}

/** A COOKIE ACK (§5.1 E): the association is up. */
export function onCookieAck(ctx: AssociationContext): void {
  if (ctx.state === "cookie-echoed" && ctx.pending)
    establish(ctx, ctx.pending, ctx.localInitialTsn);
}

/** An ERROR with a Stale Cookie cause in COOKIE-ECHOED (§5.2.6): back to COOKIE-WAIT. */
export function onStaleCookie(ctx: AssociationContext): void {
  ctx.timers.clear("t1-cookie");
  ctx.pending = undefined;
  ctx.state = "cookie-wait";
  sendInit(ctx);
}

function establish(ctx: AssociationContext, p: Pending, localInitialTsn: number): void {
  ctx.peerTag = p.peerTag;
  ctx.out.zeroChecksum = p.caps.zeroChecksum;
  const tcb = new Tcb(
    ctx.config,
    {
      localInitialTsn,
      peerInitialTsn: p.peerInitialTsn,
      peerRwnd: p.peerRwnd,
      inboundStreams: p.inbound,
      caps: p.caps,
    },
    ctx.sendQueue,
    ctx.timers,
    ctx.rto,
    ctx.events,
  );
  ctx.tcb = tcb;
  ctx.reconfig = new ReConfigHandler(tcb, ctx.sendQueue, ctx.events, ctx.timers);
  ctx.pending = undefined;
  ctx.state = "established";
  ctx.errorCount = 0;
  ctx.timers.clear("t1-init");
  ctx.timers.clear("t1-cookie");
  armHeartbeat(ctx, ctx.now);
  startPathMtuDiscovery(ctx, ctx.now, p.caps.peerReceiveMtu);
  ctx.events.push({ type: "connected" });
}
