/**
 * The data path of the TURN client: `sendTo` as ChannelData (RFC 8656 §12) or a Send indication
 * (§10), queued behind a CreatePermission when the peer has none yet; and the receive side,
 * which cuts server input into ChannelData, Data indications and responses.
 */
import { DecodeError, type Millis, normalizeIp, type SocketAddress } from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  decodeStunMessage,
  getAttribute,
  StunMethod,
} from "@purertc/stun";
import { Data, XorPeerAddress } from "./attributes.js";
import { decodeChannelData, encodeChannelData, isChannelData } from "./channel-data.js";
import type { ClientContext } from "./client-context.js";
import { createPermission } from "./client-permissions.js";
import { encodeClientMessage, handleResponse } from "./client-transactions.js";

/**
 * Relays `data` to `peer`: ChannelData when a channel is bound, a Send indication when the
 * permission is confirmed, else queued behind a CreatePermission. `false` when dropped.
 */
export function sendTo(
  ctx: ClientContext,
  now: Millis,
  peer: SocketAddress,
  data: Uint8Array,
): boolean {
  if (ctx.state !== "allocated") {
    ctx.s.dropped++;
    return false;
  }
  const c = ctx.peers.channelOf(peer);
  if (c?.bound) {
    const out = encodeChannelData({ channel: c.number, data }, ctx.stream);
    ctx.s.channelDataSent++;
    ctx.s.bytesSent += data.length;
    ctx.transmits.push({ to: ctx.server, data: out });
    return true;
  }
  const p = ctx.peers.permission(peer.address);
  if (p.active) {
    sendIndication(ctx, peer, data);
    return true;
  }
  if (p.queue.length >= ctx.config.maxQueuedPerPeer) {
    ctx.s.dropped++;
    return false;
  }
  p.queue.push({ peer, data: data.slice() });
  if (!p.inFlight) createPermission(ctx, now, [peer]);
  return true;
}

/**
 * One datagram or stream frame from the server. Returns whether it was TURN (ChannelData or
 * STUN); undecodable bytes are counted and left to the caller. Never throws on remote input.
 */
export function handleFrame(ctx: ClientContext, now: Millis, data: Uint8Array): boolean {
  if (isChannelData(data)) {
    onChannelData(ctx, data);
    return true;
  }
  let msg: DecodedStunMessage;
  try {
    msg = decodeStunMessage(data);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    ctx.s.malformed++;
    return false;
  }
  try {
    if (msg.class === "indication") {
      if (msg.method !== StunMethod.Data) return false;
      onDataIndication(ctx, msg);
      return true;
    }
    // A response to a transaction of someone else sharing the socket and the server (e.g. an
    // ICE gatherer's Binding request to the same STUN/TURN server) is not ours to consume.
    if (msg.class === "success" || msg.class === "error") return handleResponse(ctx, now, msg);
    return false;
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    ctx.s.malformed++;
    return true;
  }
}

/** RFC 8656 §10.1: a Send indication (unsigned, so no transaction). */
function sendIndication(ctx: ClientContext, peer: SocketAddress, data: Uint8Array): void {
  const msg = encodeClientMessage(
    ctx,
    StunMethod.Send,
    "indication",
    [attr(XorPeerAddress, peer), attr(Data, data)],
    false,
  );
  ctx.s.sendIndicationsSent++;
  ctx.s.bytesSent += data.length;
  ctx.transmits.push({ to: ctx.server, data: msg });
}

/** RFC 8656 §12.6: ChannelData on a confirmed channel becomes a `"data"` event. */
function onChannelData(ctx: ClientContext, data: Uint8Array): void {
  let cd: ReturnType<typeof decodeChannelData>;
  try {
    cd = decodeChannelData(data);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    ctx.s.malformed++;
    return;
  }
  const c = ctx.peers.channelByNumber(cd.channel);
  if (!c) {
    ctx.s.dropped++;
    return;
  }
  ctx.s.channelDataReceived++;
  ctx.s.bytesReceived += cd.data.length;
  ctx.events.push({ type: "data", peer: c.peer, data: cd.data.slice(), channel: c.number });
}

/** RFC 8656 §10.4: a Data indication becomes a `"data"` event. */
function onDataIndication(ctx: ClientContext, msg: DecodedStunMessage): void {
  const peer = getAttribute(msg, XorPeerAddress);
  const data = getAttribute(msg, Data);
  if (!peer || !data) {
    ctx.s.malformed++;
    return;
  }
  ctx.s.dataIndicationsReceived++;
  ctx.s.bytesReceived += data.length;
  ctx.events.push({
    type: "data",
    peer: { address: normalizeIp(peer.address), port: peer.port },
    data: data.slice(),
    channel: undefined,
  });
}
