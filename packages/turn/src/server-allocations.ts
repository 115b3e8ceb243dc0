/**
 * Allocations on the TURN server: Allocate (RFC 8656 §7.2) with its checks, the relay sockets
 * the caller binds for it (one per family, dual-stack §7.2), the success response kept for
 * retransmissions, Refresh and LIFETIME 0 (§8), and deletion with everything it owned.
 */
import {
  DecodeError,
  formatSocketAddress,
  ipFamily,
  type Millis,
  normalizeIp,
  type SocketAddress,
} from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  getAttribute,
  type StunAttribute,
  transactionKey,
  UnknownAttributes,
  XorMappedAddress,
} from "@purertc/stun";
import { Allocation, fiveTupleKey } from "./allocation.js";
import {
  AdditionalAddressFamily,
  AddressErrorCode,
  type AddressErrorCodeValue,
  DontFragment,
  EvenPort,
  Lifetime,
  RequestedAddressFamily,
  RequestedTransport,
  ReservationToken,
  type TurnAddressFamily,
  XorRelayedAddress,
} from "./attributes.js";
import { TransportProtocol, TURN_REASON } from "./constants.js";
import type { TurnAuthResult } from "./server-auth.js";
import {
  ALLOCATE,
  type DeleteReason,
  type PendingAllocation,
  relayKey,
  type ServerContext,
  type ServerRequest,
} from "./server-context.js";
import { allocationQuotaRefusal, releaseUserQuota, takeUserQuota } from "./server-quotas.js";
import { encodeResponse, reply, replyError, sendToClient } from "./server-replies.js";

/** RFC 8656 §7.2: checks an Allocate and asks the caller for its relay sockets. */
export function onAllocate(
  ctx: ServerContext,
  now: Millis,
  req: ServerRequest,
  auth: Extract<TurnAuthResult, { ok: true }>,
  existing: Allocation | undefined,
): void {
  const { msg, path } = req;
  const key = auth.key;
  if (existing) {
    // A retransmission of the request that created it gets the same success (§7.2 step 2).
    if (existing.allocateTransaction === transactionKey(msg.transactionId)) {
      sendToClient(ctx, path, existing.allocateResponse);
    } else replyError(ctx, req, 437, key, "allocation-exists");
    return;
  }
  if (ctx.pendingByKey.has(fiveTupleKey(path))) return;
  const transport = getAttribute(msg, RequestedTransport);
  if (transport === undefined) {
    replyError(ctx, req, 400, key, "no-requested-transport");
    return;
  }
  if (transport !== TransportProtocol.Udp) {
    replyError(ctx, req, 442, key, "transport");
    return;
  }
  if (getAttribute(msg, DontFragment) !== undefined) {
    // §7.2 step 4: a server that cannot set DF treats DONT-FRAGMENT as unknown.
    replyError(ctx, req, 420, key, "dont-fragment", [attr(UnknownAttributes, [DontFragment.type])]);
    return;
  }
  if (getAttribute(msg, ReservationToken) !== undefined) {
    replyError(ctx, req, 508, key, "reservation-token");
    return;
  }
  let requested: TurnAddressFamily | undefined;
  let additional: TurnAddressFamily | undefined;
  try {
    requested = getAttribute(msg, RequestedAddressFamily);
    additional = getAttribute(msg, AdditionalAddressFamily);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    replyError(ctx, req, 440, key, "address-family");
    return;
  }
  if (requested !== undefined && additional !== undefined) {
    replyError(ctx, req, 400, key, "both-families");
    return;
  }
  if (additional !== undefined && additional !== 6) {
    replyError(ctx, req, 400, key, "additional-not-ipv6");
    return;
  }
  const overQuota = allocationQuotaRefusal(ctx, auth.user);
  if (overQuota) {
    ctx.c.quotaRejections++;
    replyError(ctx, req, 486, key, overQuota);
    return;
  }
  const wanted: TurnAddressFamily[] = additional ? [4, 6] : [requested ?? 4];
  let lifetimeMs = grantedLifetime(ctx, getAttribute(msg, Lifetime));
  if (auth.expiresAt !== undefined) lifetimeMs = Math.min(lifetimeMs, auth.expiresAt - now);
  const id = ctx.nextId++;
  const p: PendingAllocation = {
    id,
    path,
    key: fiveTupleKey(path),
    transaction: msg.transactionId.slice(),
    username: auth.username,
    user: auth.user,
    integrity: key,
    credentialExpiresAt: auth.expiresAt,
    lifetimeMs,
    wanted,
    additional: additional !== undefined,
    bound: [],
    failed: [],
  };
  ctx.pending.set(id, p);
  ctx.pendingByKey.set(p.key, p);
  takeUserQuota(ctx, auth.user);
  const evenPort = getAttribute(msg, EvenPort) !== undefined;
  for (const family of wanted) ctx.events.push({ type: "relay-request", id, family, evenPort });
}

/** The caller bound (or, with `local` undefined, could not bind) a relay socket of `family`. */
export function onRelaySocket(
  ctx: ServerContext,
  now: Millis,
  id: number,
  family: TurnAddressFamily,
  local: SocketAddress | undefined,
): void {
  const p = ctx.pending.get(id);
  if (!p) {
    // The client went away meanwhile: release the socket at once.
    if (local) ctx.events.push({ type: "relay-released", local });
    return;
  }
  if (local) {
    const norm = { address: normalizeIp(local.address), port: local.port };
    p.bound.push({
      family,
      local: norm,
      advertised: { address: advertise(ctx, norm.address), port: norm.port },
    });
  } else p.failed.push(family);
  if (p.bound.length + p.failed.length >= p.wanted.length) completeAllocation(ctx, now, p);
}

/** RFC 8656 §8. */
export function onRefresh(
  ctx: ServerContext,
  now: Millis,
  req: ServerRequest,
  a: Allocation,
): void {
  const requested = getAttribute(req.msg, Lifetime);
  let family: TurnAddressFamily | undefined;
  try {
    family = getAttribute(req.msg, RequestedAddressFamily);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    replyError(ctx, req, 440, a.integrity, "address-family");
    return;
  }
  if (family !== undefined && !a.relayOf(family)) {
    replyError(ctx, req, 443, a.integrity, "family-mismatch");
    return;
  }
  if (requested === 0) {
    const key = a.integrity;
    deleteAllocation(ctx, a, "refresh-0");
    reply(ctx, req.path, req.msg, "success", [attr(Lifetime, 0)], key);
    return;
  }
  let lifetimeMs = grantedLifetime(ctx, requested);
  if (a.credentialExpiresAt !== undefined)
    lifetimeMs = Math.min(lifetimeMs, a.credentialExpiresAt - now);
  a.expiresAt = now + lifetimeMs;
  reply(
    ctx,
    req.path,
    req.msg,
    "success",
    [attr(Lifetime, Math.floor(lifetimeMs / 1000))],
    a.integrity,
  );
}

/** Deletes a live allocation: its relay sockets are released and its quota given back. */
export function deleteAllocation(ctx: ServerContext, a: Allocation, reason: DeleteReason): void {
  if (ctx.allocations.get(a.key) !== a) return;
  ctx.allocations.delete(a.key);
  for (const r of a.relays) {
    ctx.byRelay.delete(relayKey(r.local));
    ctx.byRelay.delete(relayKey(r.advertised));
    ctx.events.push({ type: "relay-released", local: r.local });
  }
  releaseUserQuota(ctx, a.user);
  ctx.c.allocationsDeleted++;
  if (reason === "expired") ctx.c.allocationsExpired++;
  ctx.log.info("allocation deleted", { id: a.id, user: a.username, reason });
  ctx.events.push({ type: "allocation-deleted", id: a.id, username: a.username, reason });
}

/** Forgets an allocation still waiting for its relay sockets. */
export function dropPending(ctx: ServerContext, p: PendingAllocation): void {
  ctx.pending.delete(p.id);
  ctx.pendingByKey.delete(p.key);
  for (const r of p.bound) ctx.events.push({ type: "relay-released", local: r.local });
  releaseUserQuota(ctx, p.user);
}

/** Every relay socket answered: the success response, or 440/508 when none (or not all) bound. */
function completeAllocation(ctx: ServerContext, now: Millis, p: PendingAllocation): void {
  ctx.pending.delete(p.id);
  ctx.pendingByKey.delete(p.key);
  const req = { transactionId: p.transaction, method: ALLOCATE };
  if (p.bound.length === 0 || (!p.additional && p.failed.length > 0)) {
    for (const r of p.bound) ctx.events.push({ type: "relay-released", local: r.local });
    releaseUserQuota(ctx, p.user);
    const code = p.failed[0] === 6 && p.wanted.length === 1 ? 440 : 508;
    replyError(
      ctx,
      { msg: req as DecodedStunMessage, path: p.path },
      code,
      p.integrity,
      "relay-bind",
    );
    return;
  }
  const addressError: AddressErrorCodeValue | undefined =
    p.failed.length > 0
      ? { family: p.failed[0]!, code: 440, reason: TURN_REASON[440]! }
      : undefined;
  const attrs: StunAttribute[] = p.bound.map((r) => attr(XorRelayedAddress, r.advertised));
  attrs.push(attr(Lifetime, Math.floor(p.lifetimeMs / 1000)));
  if (addressError) attrs.push(attr(AddressErrorCode, addressError));
  attrs.push(attr(XorMappedAddress, p.path.client));
  const response = encodeResponse(ctx, ALLOCATE, "success", p.transaction, attrs, p.integrity);
  const a = new Allocation({
    id: p.id,
    path: p.path,
    username: p.username,
    user: p.user,
    integrity: p.integrity,
    credentialExpiresAt: p.credentialExpiresAt,
    relays: p.bound,
    expiresAt: now + p.lifetimeMs,
    allocateTransaction: transactionKey(p.transaction),
    allocateResponse: response,
    bandwidth: ctx.config.maxBandwidthBytesPerSecond,
    now,
  });
  ctx.allocations.set(a.key, a);
  for (const r of a.relays) {
    ctx.byRelay.set(relayKey(r.local), { alloc: a, relay: r });
    if (!sameAddr(r.local, r.advertised))
      ctx.byRelay.set(relayKey(r.advertised), { alloc: a, relay: r });
  }
  ctx.c.allocationsCreated++;
  ctx.log.info("allocation created", {
    id: a.id,
    user: a.username,
    client: formatSocketAddress(a.path.client),
    relayed: a.relays.map((r) => formatSocketAddress(r.advertised)),
  });
  ctx.events.push({
    type: "allocation-created",
    id: a.id,
    username: a.username,
    client: a.path.client,
    relayed: a.relays.map((r) => r.advertised),
  });
  sendToClient(ctx, p.path, response);
  ctx.armSweep(now);
}

/** RFC 8656 §7.2 step: max(default, min(requested, max)). */
function grantedLifetime(ctx: ServerContext, requestedS: number | undefined): number {
  const c = ctx.config;
  if (requestedS === undefined) return c.defaultLifetimeMs;
  return Math.max(c.defaultLifetimeMs, Math.min(requestedS * 1000, c.maxLifetimeMs));
}

/** The public address to report for a relay bound at local IP `ip` (`externalIps`). */
function advertise(ctx: ServerContext, ip: string): string {
  const f = ipFamily(ip);
  for (const e of ctx.external) {
    if (e.local !== undefined ? e.local === ip : ipFamily(e.external) === f) return e.external;
  }
  return ip;
}

function sameAddr(a: SocketAddress, b: SocketAddress): boolean {
  return a.port === b.port && a.address === b.address;
}
