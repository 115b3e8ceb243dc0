/**
 * The allocation's life in the TURN client: Allocate (RFC 8656 §7), Refresh before expiry and
 * deallocation with LIFETIME 0 (§8), and the end states (`closed`, `failed`) that abandon every
 * transaction and timer with it.
 */
import { formatSocketAddress, type Millis, normalizeIp } from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  getAttribute,
  getAttributes,
  type StunAttribute,
  StunMethod,
  XorMappedAddress,
} from "@purertc/stun";
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  XorRelayedAddress,
} from "./attributes.js";
import type { ClientContext, RequestKind } from "./client-context.js";
import { request } from "./client-transactions.js";
import { TransportProtocol } from "./constants.js";
import { TurnError } from "./errors.js";

/** The earliest a refresh is scheduled after the last one. */
const MIN_REFRESH_MS = 1000;

/** RFC 8656 §7.1: the first Allocate goes without credentials, to learn realm and nonce. */
export function startAllocation(ctx: ClientContext, now: Millis): void {
  ctx.state = "allocating";
  const attrs: StunAttribute[] = [
    attr(RequestedTransport, TransportProtocol.Udp),
    attr(Lifetime, Math.round(ctx.config.lifetimeMs / 1000)),
  ];
  if (ctx.config.addressFamily === "ipv6") attrs.push(attr(RequestedAddressFamily, 6));
  if (ctx.config.addressFamily === "dual") attrs.push(attr(AdditionalAddressFamily, 6));
  request(ctx, now, {
    kind: "allocate",
    method: StunMethod.Allocate,
    attributes: attrs,
    signed: false,
    staleRetries: 0,
    peers: [],
    channel: undefined,
  });
}

/** RFC 8656 §8: Refresh with LIFETIME 0 when allocated, then `"closed"`; at once otherwise. */
export function closeAllocation(ctx: ClientContext, now: Millis): void {
  if (ctx.state === "closed" || ctx.state === "closing") return;
  const wasAllocated = ctx.state === "allocated";
  clearAllocationState(ctx);
  if (!wasAllocated) {
    finish(ctx, "closed");
    return;
  }
  ctx.state = "closing";
  request(ctx, now, {
    kind: "close",
    method: StunMethod.Refresh,
    attributes: [attr(Lifetime, 0)],
    signed: true,
    staleRetries: 0,
    peers: [],
    channel: undefined,
  });
}

/** The refresh timer fired: ask for the configured lifetime again. */
export function sendRefresh(ctx: ClientContext, now: Millis): void {
  request(ctx, now, {
    kind: "refresh",
    method: StunMethod.Refresh,
    attributes: [attr(Lifetime, Math.round(ctx.config.lifetimeMs / 1000))],
    signed: true,
    staleRetries: 0,
    peers: [],
    channel: undefined,
  });
}

/** RFC 8656 §7.3: the Allocate success response. */
export function onAllocated(ctx: ClientContext, now: Millis, res: DecodedStunMessage): void {
  if (ctx.state !== "allocating") return;
  const relayed = getAttributes(res, XorRelayedAddress).map((a) => ({
    address: normalizeIp(a.address),
    port: a.port,
  }));
  const lifetimeS = getAttribute(res, Lifetime);
  if (relayed.length === 0 || lifetimeS === undefined) {
    fail(
      ctx,
      new TurnError(
        "bad-response",
        StunMethod.Allocate,
        0,
        "Allocate success without XOR-RELAYED-ADDRESS or LIFETIME",
      ),
    );
    return;
  }
  ctx.relayed = relayed;
  ctx.mapped = getAttribute(res, XorMappedAddress);
  ctx.state = "allocated";
  const lifetimeMs = lifetimeS * 1000;
  scheduleRefresh(ctx, now, lifetimeMs);
  ctx.log.debug("allocated", { relayed: relayed.map(formatSocketAddress), lifetimeMs });
  ctx.events.push({
    type: "allocated",
    relayed,
    mapped: ctx.mapped,
    lifetimeMs,
    addressError: getAttribute(res, AddressErrorCode),
  });
}

/** RFC 8656 §8.3: the Refresh success response carries the granted lifetime. */
export function onRefreshed(ctx: ClientContext, now: Millis, res: DecodedStunMessage): void {
  const lifetimeMs = (getAttribute(res, Lifetime) ?? 0) * 1000;
  scheduleRefresh(ctx, now, lifetimeMs);
  ctx.events.push({ type: "refreshed", lifetimeMs });
}

/** An Allocate, Refresh or deallocation that failed (error response or timeout). */
export function onAllocationFailure(
  ctx: ClientContext,
  kind: Extract<RequestKind, "allocate" | "refresh" | "close">,
  error: TurnError,
): void {
  if (kind === "close") finish(ctx, "closed");
  else if (kind === "refresh" || ctx.state === "allocating") fail(ctx, error);
}

/** The TCP/TLS connection to the server closed: the allocation is gone with it (§3.1). */
export function transportClosed(ctx: ClientContext): void {
  if (ctx.state === "closed" || ctx.state === "failed") return;
  if (ctx.state === "closing") {
    clearAllocationState(ctx);
    finish(ctx, "closed");
    return;
  }
  fail(ctx, new TurnError("closed", StunMethod.Allocate, 0, "connection to the server closed"));
}

/** The allocation could not be made or was lost: `"failed"` with the error. */
export function fail(ctx: ClientContext, error: TurnError): void {
  if (ctx.state === "closed" || ctx.state === "failed") return;
  clearAllocationState(ctx);
  finish(ctx, "failed", error);
}

/** Enters an end state; outstanding transactions are abandoned (no more retransmissions). */
export function finish(ctx: ClientContext, state: "closed" | "failed", error?: TurnError): void {
  ctx.state = state;
  ctx.relayed = [];
  for (const tid of ctx.outstanding) ctx.tx.cancel(tid);
  ctx.outstanding.clear();
  ctx.events.push(state === "failed" ? { type: "failed", error: error! } : { type: "closed" });
}

/** RFC 8656 §8: refresh a minute before expiry (at half-life for short lifetimes). */
function scheduleRefresh(ctx: ClientContext, now: Millis, lifetimeMs: number): void {
  ctx.expiresAt = now + lifetimeMs;
  const lead = Math.min(ctx.config.refreshBeforeMs, lifetimeMs / 2);
  ctx.timers.set("allocation", now + Math.max(MIN_REFRESH_MS, lifetimeMs - lead));
}

function clearAllocationState(ctx: ClientContext): void {
  ctx.timers.clearAll();
  ctx.peers.clear();
}
