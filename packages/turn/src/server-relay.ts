/**
 * Data relaying on the TURN server: Send indications (RFC 8656 §10.2) and ChannelData (§12.6)
 * from the client out of the relayed address, and peer datagrams back to the client as
 * ChannelData or Data indications (§11.3), each gated by the permission and the allocation's
 * bandwidth buckets. Two allocations of this server talk to each other inside the core.
 */
import { ipFamily, type Millis, normalizeIp, type SocketAddress } from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  encodeStunMessage,
  getAttribute,
  StunMethod,
} from "@purertc/stun";
import { type Allocation, type ClientPath, fiveTupleKey } from "./allocation.js";
import { Data, XorPeerAddress } from "./attributes.js";
import { decodeChannelData, encodeChannelData } from "./channel-data.js";
import { relayKey, type ServerContext } from "./server-context.js";
import { sendToClient } from "./server-replies.js";

/** RFC 8656 §10.2: a Send indication from the client. */
export function onSend(
  ctx: ServerContext,
  now: Millis,
  path: ClientPath,
  msg: DecodedStunMessage,
): void {
  const a = ctx.allocations.get(fiveTupleKey(path));
  if (!a) {
    ctx.c.droppedNoAllocation++;
    return;
  }
  const peer = getAttribute(msg, XorPeerAddress);
  const data = getAttribute(msg, Data);
  if (!peer || !data) {
    ctx.c.malformed++;
    return;
  }
  relayToPeer(ctx, now, a, { address: normalizeIp(peer.address), port: peer.port }, data);
}

/** RFC 8656 §12.6: ChannelData from the client. */
export function onClientChannelData(
  ctx: ServerContext,
  now: Millis,
  path: ClientPath,
  bytes: Uint8Array,
): void {
  const a = ctx.allocations.get(fiveTupleKey(path));
  if (!a) {
    ctx.c.droppedNoAllocation++;
    return;
  }
  const cd = decodeChannelData(bytes);
  const ch = a.channels.get(cd.channel);
  if (!ch || ch.expiresAt <= now) {
    ctx.c.droppedNoPermission++;
    return;
  }
  relayToPeer(ctx, now, a, ch.peer, cd.data);
}

/** A peer's datagram to a relayed address (`to`). */
export function onPeerDatagram(
  ctx: ServerContext,
  now: Millis,
  from: SocketAddress,
  to: SocketAddress,
  data: Uint8Array,
): void {
  const hit = ctx.byRelay.get(relayKey(to));
  if (!hit) {
    ctx.c.droppedNoAllocation++;
    return;
  }
  deliverToClient(
    ctx,
    now,
    hit.alloc,
    { address: normalizeIp(from.address), port: from.port },
    data,
  );
}

function relayToPeer(
  ctx: ServerContext,
  now: Millis,
  a: Allocation,
  peer: SocketAddress,
  data: Uint8Array,
): void {
  if (!a.permits(now, peer.address)) {
    ctx.c.droppedNoPermission++;
    return;
  }
  const f = ipFamily(peer.address);
  const relay = f ? a.relayOf(f) : undefined;
  if (!relay) {
    ctx.c.droppedNoPermission++;
    return;
  }
  if (!a.toPeer.take(now, data.length)) {
    ctx.c.droppedBandwidth++;
    return;
  }
  a.bytesToPeer += data.length;
  ctx.c.packetsToPeer++;
  ctx.c.bytesToPeer += data.length;
  const own = ctx.byRelay.get(relayKey(peer));
  if (own) {
    deliverToClient(ctx, now, own.alloc, relay.advertised, data);
    return;
  }
  ctx.transmits.push({
    to: peer,
    from: relay.local,
    data: data.slice(),
    via: "peer",
    transport: "udp",
  });
}

/** RFC 8656 §11.3 / §12.6: a peer's datagram goes to the client as ChannelData or Data. */
function deliverToClient(
  ctx: ServerContext,
  now: Millis,
  a: Allocation,
  peer: SocketAddress,
  data: Uint8Array,
): void {
  if (!a.permits(now, peer.address)) {
    ctx.c.droppedNoPermission++;
    return;
  }
  if (!a.fromPeer.take(now, data.length)) {
    ctx.c.droppedBandwidth++;
    return;
  }
  a.bytesFromPeer += data.length;
  ctx.c.packetsFromPeer++;
  ctx.c.bytesFromPeer += data.length;
  const ch = a.channelByPeer.get(relayKey(peer));
  let out: Uint8Array;
  if (ch && ch.expiresAt > now) {
    out = encodeChannelData({ channel: ch.number, data }, a.path.transport !== "udp");
  } else {
    const tid = ctx.rng.fill(new Uint8Array(12));
    out = encodeStunMessage({
      method: StunMethod.Data,
      class: "indication",
      transactionId: tid,
      attributes: [attr(XorPeerAddress, peer), attr(Data, data)],
    });
  }
  sendToClient(ctx, a.path, out);
}
