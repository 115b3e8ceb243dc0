/**
 * Transaction plumbing of the TURN client: encoding and signing requests (long-term
 * credentials, RFC 8489 §9.2), matching and authenticating responses, the 401 realm/nonce and
 * 438 stale-nonce retries, and routing each outcome to the part of the client that asked.
 */
import { DecodeError, type Millis } from "@purertc/common";
import {
  attr,
  type DecodedStunMessage,
  ErrorCode,
  encodeStunMessage,
  getAttribute,
  Nonce,
  Realm,
  Software,
  type StunAttribute,
  StunIntegrityKey,
  Username,
  verifyMessageIntegrity,
} from "@purertc/stun";
import { finish, onAllocated, onAllocationFailure, onRefreshed } from "./client-allocation.js";
import type { ClientContext, RequestContext } from "./client-context.js";
import {
  onChannelBound,
  onChannelFailed,
  onPermissionGranted,
  onPermissionsFailed,
} from "./client-permissions.js";
import { TurnError } from "./errors.js";

/** Encodes a request or indication; `signed` adds the credentials once the realm is known. */
export function encodeClientMessage(
  ctx: ClientContext,
  method: number,
  cls: "request" | "indication",
  attributes: readonly StunAttribute[],
  signed: boolean,
): Uint8Array {
  const transactionId = ctx.rng.fill(new Uint8Array(12));
  const list: StunAttribute[] = [...attributes];
  if (ctx.config.software) list.push(attr(Software, ctx.config.software));
  if (signed && ctx.key) {
    list.push(attr(Username, ctx.username), attr(Realm, ctx.realm!), attr(Nonce, ctx.nonce!));
  }
  const integrity = signed ? ctx.key : undefined;
  const fingerprint = ctx.config.fingerprint;
  const msg = { method, class: cls, transactionId, attributes: list };
  if (!integrity && !fingerprint) return encodeStunMessage(msg);
  return encodeStunMessage(msg, integrity ? { integrity, fingerprint } : { fingerprint });
}

/** Starts a client transaction (retransmitted over UDP, RFC 8489 §6.2.1). */
export function request(ctx: ClientContext, now: Millis, rc: RequestContext): void {
  const req = encodeClientMessage(ctx, rc.method, "request", rc.attributes, rc.signed);
  ctx.s.requestsSent++;
  const tid = ctx.tx.start(now, {
    request: req,
    to: ctx.server,
    transport: ctx.stream ? "tcp" : "udp",
    context: rc,
  });
  ctx.outstanding.add(tid);
}

/** A success or error response from the server; ignored unless it answers one of ours. */
export function handleResponse(ctx: ClientContext, now: Millis, msg: DecodedStunMessage): boolean {
  if (!ctx.tx.has(msg.transactionId)) return false;
  if (ctx.key && !responseAuthentic(ctx, msg)) {
    ctx.s.malformed++;
    return true;
  }
  ctx.tx.handleResponse(now, msg, ctx.server);
  drainTransactions(ctx, now);
  return true;
}

/** Routes finished transactions (responses and timeouts) to their handlers. */
export function drainTransactions(ctx: ClientContext, now: Millis): void {
  for (let ev = ctx.tx.pollEvent(); ev; ev = ctx.tx.pollEvent()) {
    const rc = ev.context;
    ctx.outstanding.delete(ev.transactionId);
    const st = ctx.state;
    if (st === "closed" || st === "failed" || (st === "closing" && rc.kind !== "close")) continue;
    if (ev.type === "timeout") {
      onFailure(
        ctx,
        rc,
        new TurnError("timeout", rc.method, 0, "no response from the TURN server"),
      );
      continue;
    }
    try {
      onResponse(ctx, now, rc, ev.response);
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      ctx.s.malformed++;
      onFailure(ctx, rc, new TurnError("bad-response", rc.method, 0, e.message));
    }
  }
}

/**
 * RFC 8489 §9.2.5: a response to an authenticated request must carry a valid
 * MESSAGE-INTEGRITY; error responses without one (401, 438) are accepted for their challenge.
 */
function responseAuthentic(ctx: ClientContext, msg: DecodedStunMessage): boolean {
  const hasMi = msg.attributes.some((a) => a.type === 0x0008 || a.type === 0x001c);
  if (!hasMi) return msg.class === "error";
  return verifyMessageIntegrity(msg, ctx.key!);
}

function onResponse(
  ctx: ClientContext,
  now: Millis,
  rc: RequestContext,
  res: DecodedStunMessage,
): void {
  if (res.class === "error") {
    onErrorResponse(ctx, now, rc, res);
    return;
  }
  switch (rc.kind) {
    case "allocate":
      onAllocated(ctx, now, res);
      return;
    case "refresh":
      onRefreshed(ctx, now, res);
      return;
    case "permission":
      for (const peer of rc.peers) onPermissionGranted(ctx, now, peer.address);
      return;
    case "channel":
      onChannelBound(ctx, now, rc.channel!);
      return;
    case "close":
      finish(ctx, "closed");
      return;
  }
}

function onErrorResponse(
  ctx: ClientContext,
  now: Millis,
  rc: RequestContext,
  res: DecodedStunMessage,
): void {
  ctx.s.errorResponses++;
  const err = getAttribute(res, ErrorCode) ?? { code: 500, reason: "missing ERROR-CODE" };
  const realm = getAttribute(res, Realm);
  const nonce = getAttribute(res, Nonce);
  // RFC 8489 §9.2.5: the first 401 carries the realm and nonce; retry with credentials.
  if (err.code === 401 && !rc.signed && realm !== undefined && nonce !== undefined) {
    ctx.realm = realm;
    ctx.nonce = nonce;
    ctx.key = longTermKey(ctx, realm);
    request(ctx, now, { ...rc, signed: true });
    return;
  }
  // RFC 8489 §9.2.5 / RFC 8656 §7.3: 438 Stale Nonce: retry with the new nonce.
  if (
    err.code === 438 &&
    nonce !== undefined &&
    ctx.key &&
    rc.staleRetries < ctx.config.maxStaleNonceRetries
  ) {
    if (realm !== undefined && realm !== ctx.realm) {
      ctx.realm = realm;
      ctx.key = longTermKey(ctx, realm);
    }
    ctx.nonce = nonce;
    ctx.s.staleNonceRetries++;
    request(ctx, now, { ...rc, signed: true, staleRetries: rc.staleRetries + 1 });
    return;
  }
  onFailure(ctx, rc, new TurnError("response", rc.method, err.code, err.reason));
}

function longTermKey(ctx: ClientContext, realm: string): StunIntegrityKey {
  return StunIntegrityKey.longTerm(
    { username: ctx.username, realm, password: ctx.password },
    ctx.crypto,
  );
}

function onFailure(ctx: ClientContext, rc: RequestContext, error: TurnError): void {
  ctx.log.debug("request failed", { kind: rc.kind, code: error.code, reason: error.reason });
  switch (rc.kind) {
    case "allocate":
    case "refresh":
    case "close":
      onAllocationFailure(ctx, rc.kind, error);
      return;
    case "permission":
      onPermissionsFailed(ctx, rc.peers, error);
      return;
    case "channel":
      onChannelFailed(ctx, rc.channel!, error);
      return;
  }
}
