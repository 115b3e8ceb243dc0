/**
 * ABORT and ERROR (RFC 9260 §3.3.7, §3.3.10, §9.1): receiving them, aborting ourselves (by the
 * user, or when the peer's data breaks a rule), and unknown chunk types (§3.2).
 */
import { decodeAbort } from "../chunks/abort.js";
import { decodeError } from "../chunks/error.js";
import { CauseCode } from "../constants.js";
import {
  noUserDataCause,
  protocolViolationCause,
  unrecognizedChunkCause,
  userAbortCause,
} from "../error-causes.js";
import type { AssociationContext } from "./context.js";
import { onStaleCookie } from "./establishment.js";

/** The peer aborted: the association ends at once. */
export function onAbortChunk(ctx: AssociationContext, chunk: Uint8Array): void {
  ctx.end("peer-abort", decodeAbort(chunk).causes);
}

/**
 * An ERROR chunk: reported as an `error` event, except a Stale Cookie in COOKIE-ECHOED, which
 * restarts the handshake (§5.2.6). Returns true when the rest of the packet must be skipped.
 */
export function onErrorChunk(ctx: AssociationContext, chunk: Uint8Array): boolean {
  const causes = decodeError(chunk).causes.map((c) => ({ code: c.code, info: c.info.slice() }));
  if (ctx.state === "cookie-echoed" && causes.some((c) => c.code === CauseCode.STALE_COOKIE)) {
    onStaleCookie(ctx);
    return true;
  }
  ctx.events.push({ type: "error", causes });
  return false;
}

/**
 * An unknown chunk type (§3.2): its upper two bits say whether to report it and whether to
 * process the rest of the packet. Returns true when the rest must be skipped.
 */
export function onUnknownChunk(ctx: AssociationContext, type: number, chunk: Uint8Array): boolean {
  const action = type >>> 6;
  if (action === 1 || action === 3) ctx.sendError([unrecognizedChunkCause(chunk)]);
  return action === 0 || action === 1;
}

/** The user aborts (§9.1): ABORT with a User-Initiated Abort cause if the peer knows of us. */
export function userAbort(ctx: AssociationContext, reason: string): void {
  if (ctx.ended) return;
  if (ctx.state !== "closed" && ctx.state !== "cookie-wait")
    ctx.sendAbort([userAbortCause(reason)]);
  ctx.end("local-abort");
}

/** Aborts when the peer's data broke a rule only the data path sees (§6.2: empty or huge). */
export function abortOnDataViolation(ctx: AssociationContext): void {
  const reason = ctx.tcb?.rx.abortReason;
  if (reason === undefined || ctx.ended) return;
  const cause = reason === "no-user-data" ? noUserDataCause(0) : protocolViolationCause(reason);
  ctx.sendAbort([cause]);
  ctx.end("local-abort", [cause]);
}
