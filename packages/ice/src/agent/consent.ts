/**
 * Consent freshness (RFC 7675) on the selected pair, and the keepalives of a lite agent
 * (RFC 8445 §11), which sends no checks.
 */
import type { Millis } from "@purertc/common";
import { encodeStunMessage, StunMethod } from "@purertc/stun";
import { startCheck } from "./checks.js";
import type { AgentContext } from "./context.js";

/**
 * RFC 7675 §5.1: when the next consent check is due, randomized to 0.8–1.2 times the basic
 * interval ("to prevent synchronization"), then moved onto the consent grid: the nearest
 * multiple of `consentGridMs` in that range. Agents of one process that share a clock then
 * check on the same few instants, and their checks go out (and their responses come back) in
 * one event-loop turn instead of one wake-up each.
 */
export function nextConsentAt(ctx: AgentContext, now: Millis): Millis {
  const { consentIntervalMs: base, consentJitter: j, consentGridMs: grid } = ctx.config;
  const at = now + base * (1 - j + 2 * j * ctx.rng.next());
  if (grid === 0) return at;
  const up = Math.ceil(at / grid) * grid;
  if (up <= now + base * (1 + j)) return up;
  const down = Math.floor(at / grid) * grid;
  return down >= now + base * (1 - j) ? down : at;
}

/** RFC 7675 §5.1: a consent check on the selected pair; consent expires after 30 s. */
export function consentTick(ctx: AgentContext, now: Millis): void {
  const p = ctx.selected;
  if (!p || ctx.consentLost) return;
  startCheck(ctx, now, p, false, true);
  ctx.timers.set("consent", nextConsentAt(ctx, now));
}

/** RFC 7675 §5.1: no consent response for 30 s ends the session (and W3C `failed`). */
export function checkLiveness(ctx: AgentContext, now: Millis): void {
  if (ctx.selected && !ctx.consentLost && now - ctx.lastConsentAt >= ctx.config.consentTimeoutMs)
    loseConsent(ctx);
}

/** Lite agents send no checks: Binding indications keep NAT bindings (RFC 8445 §11). */
export function keepalive(ctx: AgentContext, now: Millis): void {
  const p = ctx.selected;
  if (!p || ctx.consentLost) return;
  if (now - ctx.lastSentOnSelected >= ctx.config.keepaliveIntervalMs) {
    const ind = encodeStunMessage(
      {
        method: StunMethod.Binding,
        class: "indication",
        transactionId: ctx.rng.fill(new Uint8Array(12)),
        attributes: [],
      },
      { fingerprint: true },
    );
    ctx.sendFrom(now, p.local, p.remoteAddress, ind);
    ctx.lastSentOnSelected = now;
  }
  ctx.timers.set("keepalive", ctx.lastSentOnSelected + ctx.config.keepaliveIntervalMs);
}

function loseConsent(ctx: AgentContext): void {
  // RFC 7675 §5.1: "the endpoint MUST cease transmission on that 5-tuple".
  ctx.consentLost = true;
  ctx.timers.clear("consent");
  ctx.timers.clear("keepalive");
  ctx.timers.clear("liveness");
  ctx.txs.clear();
  ctx.log.info("consent lost");
}
