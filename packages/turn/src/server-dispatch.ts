/**
 * Request dispatch of the TURN server: Binding answered without credentials (RFC 8656 §4),
 * unknown methods refused, long-term authentication (RFC 8489 §9.2.4) with its counters,
 * comprehension-required attributes we do not know (420), and the allocation checks every
 * request but Allocate needs (437 no allocation, 441 other username, RFC 8656 §5).
 */
import type { Millis } from "@purertc/common";
import {
  attr,
  isComprehensionRequired,
  isKnownStunAttribute,
  StunMethod,
  UnknownAttributes,
  XorMappedAddress,
} from "@purertc/stun";
import { fiveTupleKey } from "./allocation.js";
import { onAllocate, onRefresh } from "./server-allocations.js";
import { ALLOCATE, type ServerContext, type ServerRequest } from "./server-context.js";
import { onChannelBind, onCreatePermission } from "./server-permissions.js";
import { rejectUnauthenticated, reply, replyError } from "./server-replies.js";

/** One STUN request from a client. */
export function onRequest(ctx: ServerContext, now: Millis, req: ServerRequest): void {
  const { msg, path } = req;
  ctx.c.requests++;
  if (msg.method === StunMethod.Binding) {
    // RFC 8656 §4: a TURN server is a STUN server; Binding needs no credentials.
    if (!ctx.limiter.allow(now, path.client.address)) {
      ctx.c.rateLimited++;
      return;
    }
    reply(ctx, path, msg, "success", [attr(XorMappedAddress, path.client)], undefined);
    return;
  }
  if (
    msg.method !== ALLOCATE &&
    msg.method !== StunMethod.Refresh &&
    msg.method !== StunMethod.CreatePermission &&
    msg.method !== StunMethod.ChannelBind
  ) {
    rejectUnauthenticated(ctx, now, req, 400, "unknown-method");
    return;
  }
  const auth = ctx.auth.check(now, msg, path.client);
  if (!auth.ok) {
    if (auth.why === "wrong-credentials" || auth.why === "expired-credentials")
      ctx.c.authFailures++;
    if (auth.why === "expired-credentials") ctx.c.expiredCredentials++;
    if (auth.why === "stale-nonce") ctx.c.staleNonces++;
    if (auth.why === "no-integrity") ctx.c.challenges++;
    rejectUnauthenticated(ctx, now, req, auth.code, auth.why);
    return;
  }
  const unknown = msg.attributes
    .filter((a) => isComprehensionRequired(a.type) && !isKnownStunAttribute(a.type))
    .map((a) => a.type);
  if (unknown.length > 0) {
    replyError(ctx, req, 420, auth.key, "unknown-attribute", [attr(UnknownAttributes, unknown)]);
    return;
  }
  const a = ctx.allocations.get(fiveTupleKey(path));
  if (msg.method === ALLOCATE) {
    onAllocate(ctx, now, req, auth, a);
    return;
  }
  if (!a) {
    replyError(ctx, req, 437, auth.key, "no-allocation");
    return;
  }
  if (a.username !== auth.username) {
    // RFC 8656 §5: subsequent requests must use the allocation's username.
    replyError(ctx, req, 441, auth.key, "wrong-credentials");
    return;
  }
  a.integrity = auth.key;
  a.credentialExpiresAt = auth.expiresAt;
  if (msg.method === StunMethod.Refresh) onRefresh(ctx, now, req, a);
  else if (msg.method === StunMethod.CreatePermission) onCreatePermission(ctx, now, req, a);
  else onChannelBind(ctx, now, req, a);
}
