/**
 * What the TURN server answers: success and error responses signed with the allocation's key,
 * and the answers to requests that did not authenticate — the 401/438 challenge with REALM and
 * a fresh NONCE (RFC 8489 §9.2.4), rate-limited per source and carrying nothing more, so the
 * server is a poor amplifier (RFC 8656 §21).
 */
import { formatSocketAddress, type Millis } from "@purertc/common";
import {
  attr,
  ErrorCode,
  encodeStunMessage,
  Nonce,
  Realm,
  Software,
  type StunAttribute,
  type StunIntegrityKey,
} from "@purertc/stun";
import type { ClientPath } from "./allocation.js";
import { TURN_REASON } from "./constants.js";
import type { ServerContext, ServerRequest } from "./server-context.js";

/** An answer to a request that did not authenticate (ERROR-CODE, plus REALM/NONCE for 401/438). */
export function rejectUnauthenticated(
  ctx: ServerContext,
  now: Millis,
  req: ServerRequest,
  code: number,
  why: string,
): void {
  if (!ctx.limiter.allow(now, req.path.client.address)) {
    ctx.c.rateLimited++;
    return;
  }
  if (why !== "no-integrity")
    ctx.events.push({ type: "rejected", client: req.path.client, code, why });
  const attrs: StunAttribute[] = [attr(ErrorCode, { code, reason: TURN_REASON[code] ?? "" })];
  if (code === 401 || code === 438) {
    attrs.push(attr(Realm, ctx.auth.realm), attr(Nonce, ctx.auth.nonce(now, req.path.client)));
  }
  reply(ctx, req.path, req.msg, "error", attrs, undefined);
}

/** An error response to an authenticated request, signed with its key, logged and counted. */
export function replyError(
  ctx: ServerContext,
  req: ServerRequest,
  code: number,
  key: StunIntegrityKey,
  why: string,
  extra: StunAttribute[] = [],
): void {
  ctx.c.errorResponses++;
  ctx.log.debug("request refused", { code, why, client: formatSocketAddress(req.path.client) });
  ctx.events.push({ type: "rejected", client: req.path.client, code, why });
  reply(
    ctx,
    req.path,
    req.msg,
    "error",
    [attr(ErrorCode, { code, reason: TURN_REASON[code] ?? "" }), ...extra],
    key,
  );
}

/** A response to `msg` (same method and transaction id). */
export function reply(
  ctx: ServerContext,
  path: ClientPath,
  msg: { readonly method: number; readonly transactionId: Uint8Array },
  cls: "success" | "error",
  attrs: StunAttribute[],
  key: StunIntegrityKey | undefined,
): void {
  sendToClient(ctx, path, encodeResponse(ctx, msg.method, cls, msg.transactionId, attrs, key));
}

/** Encodes a response; SOFTWARE only on authenticated answers. */
export function encodeResponse(
  ctx: ServerContext,
  method: number,
  cls: "success" | "error",
  tid: Uint8Array,
  attrs: StunAttribute[],
  key: StunIntegrityKey | undefined,
): Uint8Array {
  const list = ctx.config.software && key ? [...attrs, attr(Software, ctx.config.software)] : attrs;
  const msg = { method, class: cls, transactionId: tid, attributes: list };
  return key ? encodeStunMessage(msg, { integrity: key }) : encodeStunMessage(msg);
}

/** Queues bytes for a client on its 5-tuple. */
export function sendToClient(ctx: ServerContext, path: ClientPath, data: Uint8Array): void {
  ctx.transmits.push({
    to: path.client,
    from: path.listener,
    data,
    via: "client",
    transport: path.transport,
  });
}
