/**
 * The machines the agent owns — the srflx gatherer, the relay clients, the mDNS resolver — and
 * their output: transmits join the agent's, events become candidates, errors and data.
 */
import type { Millis } from "@purertc/common";
import { isStunMessage } from "@purertc/stun";
import { addRelayed, addServerReflexive, mdnsResolved } from "./candidates.js";
import type { AgentContext } from "./context.js";
import { handleStun } from "./inbound.js";

/** Drains every child's transmits and events (the drain rule of a sans-IO machine). */
export function drainChildren(ctx: AgentContext, now: Millis): void {
  const g = ctx.gatherer;
  for (let t = g.pollTransmit(); t; t = g.pollTransmit()) ctx.transmits.push(t);
  for (let e = g.pollEvent(); e; e = g.pollEvent()) {
    if (e.type === "srflx") addServerReflexive(ctx, now, e);
    else
      ctx.events.push({
        type: "candidate-error",
        url: e.url,
        errorCode: e.errorCode,
        errorText: e.errorText,
      });
  }
  for (const r of ctx.relays) {
    const c = r.client;
    const stream = c.protocol !== "udp";
    for (let t = c.pollTransmit(); t; t = c.pollTransmit())
      ctx.transmits.push(stream ? { to: t.to, data: t.data, relay: c } : t);
    for (let e = c.pollEvent(); e; e = c.pollEvent()) {
      if (e.type === "allocated" && !r.local) addRelayed(ctx, now, r, e);
      else if (e.type === "data" && r.local) {
        if (isStunMessage(e.data)) handleStun(ctx, now, e.data, e.peer, r.local);
        else ctx.events.push({ type: "data", from: e.peer, data: e.data });
      } else if (e.type === "failed") {
        r.done = true;
        ctx.events.push({
          type: "candidate-error",
          url: c.url,
          errorCode: e.code ?? 701,
          errorText: e.reason,
        });
      }
    }
  }
  const m = ctx.mdns;
  if (m) {
    for (let t = m.pollTransmit(); t; t = m.pollTransmit()) ctx.transmits.push(t);
    for (let e = m.pollEvent(); e; e = m.pollEvent()) mdnsResolved(ctx, now, e);
  }
}
