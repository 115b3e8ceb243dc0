/**
 * Permissions (RFC 8656 §9.2) and channel bindings (§11.2) on the TURN server: peer checks
 * (family 443, the deny/allow policy 403 — a relay of this server is always a valid peer — and
 * the permission quota 508), and the bookkeeping in the {@link Allocation}.
 */
import { ipFamily, type Millis, normalizeIp, type SocketAddress } from "@purertc/common";
import { getAttribute, getAttributes } from "@purertc/stun";
import type { Allocation } from "./allocation.js";
import { ChannelNumber, XorPeerAddress } from "./attributes.js";
import { isAcceptableChannelNumber } from "./constants.js";
import { relayKey, type ServerContext, type ServerRequest } from "./server-context.js";
import { permissionQuotaExceeded } from "./server-quotas.js";
import { reply, replyError } from "./server-replies.js";

/** RFC 8656 §9.2. */
export function onCreatePermission(
  ctx: ServerContext,
  now: Millis,
  req: ServerRequest,
  a: Allocation,
): void {
  const peers = getAttributes(req.msg, XorPeerAddress);
  if (!checkPeers(ctx, req, a, peers)) return;
  for (const peer of peers)
    a.permissions.set(normalizeIp(peer.address), now + ctx.config.permissionLifetimeMs);
  reply(ctx, req.path, req.msg, "success", [], a.integrity);
}

/** RFC 8656 §11.2. */
export function onChannelBind(
  ctx: ServerContext,
  now: Millis,
  req: ServerRequest,
  a: Allocation,
): void {
  const number = getAttribute(req.msg, ChannelNumber);
  const peer = getAttribute(req.msg, XorPeerAddress);
  if (number === undefined || peer === undefined || !isAcceptableChannelNumber(number)) {
    replyError(ctx, req, 400, a.integrity, "bad-channel-bind");
    return;
  }
  const norm = { address: normalizeIp(peer.address), port: peer.port };
  const pk = relayKey(norm);
  const byNumber = a.channels.get(number);
  const byPeer = a.channelByPeer.get(pk);
  // "The channel number is not currently bound to a different transport address" and
  // "the transport address is not currently bound to a different channel number".
  if ((byNumber && byNumber.peerKey !== pk) || (byPeer && byPeer.number !== number)) {
    replyError(ctx, req, 400, a.integrity, "channel-in-use");
    return;
  }
  if (!checkPeers(ctx, req, a, [norm])) return;
  const expiresAt = now + ctx.config.channelLifetimeMs;
  if (byNumber) byNumber.expiresAt = expiresAt;
  else {
    const ch = { number, peer: norm, peerKey: pk, expiresAt };
    a.channels.set(number, ch);
    a.channelByPeer.set(pk, ch);
  }
  a.permissions.set(norm.address, now + ctx.config.permissionLifetimeMs);
  reply(ctx, req.path, req.msg, "success", [], a.integrity);
}

/** Checks peers for CreatePermission / ChannelBind: family (443), policy (403), quota (508). */
function checkPeers(
  ctx: ServerContext,
  req: ServerRequest,
  a: Allocation,
  peers: readonly SocketAddress[],
): boolean {
  if (peers.length === 0) {
    replyError(ctx, req, 400, a.integrity, "no-peer-address");
    return false;
  }
  for (const peer of peers) {
    const f = ipFamily(peer.address);
    if (f === undefined || !a.relayOf(f)) {
      replyError(ctx, req, 443, a.integrity, "peer-family");
      return false;
    }
    if (!ctx.byRelay.has(relayKey(peer)) && !ctx.policy.permits(peer.address)) {
      ctx.c.deniedPeers++;
      ctx.events.push({
        type: "rejected",
        client: req.path.client,
        code: 403,
        why: `denied peer ${peer.address}`,
      });
      replyError(ctx, req, 403, a.integrity, "denied-peer");
      return false;
    }
  }
  if (permissionQuotaExceeded(ctx, a, peers)) {
    ctx.c.quotaRejections++;
    replyError(ctx, req, 508, a.integrity, "permission-quota");
    return false;
  }
  return true;
}
