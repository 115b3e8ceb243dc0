/**
 * Permissions (RFC 8656 §9) and channels (§11) of the TURN client: CreatePermission and
 * ChannelBind requests, their refreshes before the 5- and 10-minute lifetimes, and what their
 * outcomes do to the bookkeeping in {@link ClientPeerTable} and to the datagrams queued behind.
 */
import { ipFamily, type Millis, normalizeIp, type SocketAddress } from "@purertc/common";
import { attr, StunMethod } from "@purertc/stun";
import { ChannelNumber, XorPeerAddress } from "./attributes.js";
import type { ClientContext } from "./client-context.js";
import { sendTo } from "./client-data.js";
import type { ClientChannel } from "./client-peers.js";
import { request } from "./client-transactions.js";
import type { TurnError } from "./errors.js";

/** One CreatePermission for every peer IP not already being permitted. */
export function createPermission(
  ctx: ClientContext,
  now: Millis,
  peers: readonly SocketAddress[],
): void {
  const todo: SocketAddress[] = [];
  for (const peer of peers) {
    checkPeerFamily(ctx, peer);
    const p = ctx.peers.permission(peer.address);
    if (p.inFlight) continue;
    p.inFlight = true;
    todo.push({ address: p.ip, port: peer.port });
  }
  if (todo.length > 0) sendCreatePermission(ctx, now, todo);
}

/** Binds a channel to `peer` (or returns the one already requested). */
export function bindChannel(ctx: ClientContext, now: Millis, peer: SocketAddress): number {
  checkPeerFamily(ctx, peer);
  const existing = ctx.peers.channelOf(peer);
  if (existing) return existing.number;
  const c = ctx.peers.newChannel(peer);
  if (!c) throw new RangeError("TurnClient: all 4096 channel numbers are in use");
  const p = ctx.peers.permission(peer.address);
  p.inFlight = true;
  sendChannelBind(ctx, now, c);
  return c.number;
}

/** The `perm:` timer of a peer IP fired. */
export function refreshPermission(ctx: ClientContext, now: Millis, ip: string): void {
  const p = ctx.peers.permissions.get(ip);
  if (!p || p.inFlight) return;
  p.inFlight = true;
  sendCreatePermission(ctx, now, [{ address: ip, port: 0 }]);
}

/** The `chan:` timer of a peer transport address fired. */
export function refreshChannel(ctx: ClientContext, now: Millis, key: string): void {
  const c = ctx.peers.channels.get(key);
  if (!c || c.inFlight) return;
  sendChannelBind(ctx, now, c);
}

/** A CreatePermission (or, with `fromCreatePermission` false, a ChannelBind) covered `ip`. */
export function onPermissionGranted(
  ctx: ClientContext,
  now: Millis,
  ip: string,
  fromCreatePermission = true,
): void {
  const p = ctx.peers.permissions.get(normalizeIp(ip));
  if (!p) return;
  const first = !p.active;
  p.active = true;
  p.inFlight = false;
  // A peer with a channel is kept alive by its ChannelBind refreshes.
  const channelled = [...ctx.peers.channels.values()].some(
    (c) => c.peer.address === p.ip && c.bound,
  );
  if (fromCreatePermission || !channelled)
    ctx.timers.set(`perm:${p.ip}`, now + ctx.config.permissionRefreshMs);
  else ctx.timers.clear(`perm:${p.ip}`);
  if (first || fromCreatePermission) {
    ctx.events.push({ type: "permission-created", peerIp: p.ip, refreshed: !first });
  }
  for (const q of p.queue.splice(0)) sendTo(ctx, now, q.peer, q.data);
}

/** RFC 8656 §11.2: a ChannelBind succeeded; it also installs or refreshes the permission. */
export function onChannelBound(ctx: ClientContext, now: Millis, c: ClientChannel): void {
  c.inFlight = false;
  if (ctx.peers.channels.get(c.key) !== c) return;
  const first = !c.bound;
  c.bound = true;
  ctx.timers.set(`chan:${c.key}`, now + ctx.config.permissionRefreshMs);
  onPermissionGranted(ctx, now, c.peer.address, false);
  if (first) ctx.events.push({ type: "channel-bound", peer: c.peer, channel: c.number });
}

/** A CreatePermission failed: the permissions and the datagrams waiting for them are dropped. */
export function onPermissionsFailed(
  ctx: ClientContext,
  peers: readonly SocketAddress[],
  error: TurnError,
): void {
  for (const peer of peers) {
    const p = ctx.peers.permissions.get(peer.address);
    if (!p) continue;
    ctx.s.dropped += p.queue.length;
    ctx.peers.permissions.delete(p.ip);
    ctx.timers.clear(`perm:${p.ip}`);
    ctx.events.push({ type: "permission-failed", peerIp: p.ip, error });
  }
}

/** A ChannelBind failed: the channel is forgotten, and its permission unless confirmed. */
export function onChannelFailed(ctx: ClientContext, c: ClientChannel, error: TurnError): void {
  c.inFlight = false;
  ctx.peers.removeChannel(c);
  ctx.timers.clear(`chan:${c.key}`);
  const p = ctx.peers.permissions.get(c.peer.address);
  if (p && !p.active) {
    p.inFlight = false;
    ctx.s.dropped += p.queue.length;
    ctx.peers.permissions.delete(p.ip);
  } else if (p) p.inFlight = false;
  ctx.events.push({ type: "channel-failed", peer: c.peer, error });
}

/** RFC 8656 §9.1: a peer of a family with no relayed address would get 443. */
function checkPeerFamily(ctx: ClientContext, peer: SocketAddress): void {
  const f = ipFamily(peer.address);
  if (f === undefined)
    throw new TypeError(`TurnClient: peer is not an IP literal: ${peer.address}`);
  if (!ctx.relayed.some((r) => ipFamily(r.address) === f)) {
    throw new RangeError(`TurnClient: no IPv${f} relayed address for peer ${peer.address}`);
  }
}

function sendCreatePermission(
  ctx: ClientContext,
  now: Millis,
  peers: readonly SocketAddress[],
): void {
  request(ctx, now, {
    kind: "permission",
    method: StunMethod.CreatePermission,
    attributes: peers.map((p) => attr(XorPeerAddress, p)),
    signed: true,
    staleRetries: 0,
    peers,
    channel: undefined,
  });
}

function sendChannelBind(ctx: ClientContext, now: Millis, c: ClientChannel): void {
  c.inFlight = true;
  request(ctx, now, {
    kind: "channel",
    method: StunMethod.ChannelBind,
    attributes: [attr(ChannelNumber, c.number), attr(XorPeerAddress, c.peer)],
    signed: true,
    staleRetries: 0,
    peers: [c.peer],
    channel: c,
  });
}
