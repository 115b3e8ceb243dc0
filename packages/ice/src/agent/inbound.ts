/** STUN that reaches the agent (RFC 8445 §7.2.2, §7.3): decoded, checked, routed by class. */
import { DecodeError, type Millis, type SocketAddress } from "@purertc/common";
import {
  type DecodedStunMessage,
  StunMethod,
  verifyFingerprint,
  viewStunMessage,
} from "@purertc/stun";
import type { LocalCandidate } from "../candidate-pair.js";
import type { AgentContext } from "./context.js";
import { onRequest } from "./requests.js";
import { onResponse } from "./responses.js";

/** A STUN datagram that arrived on `local` from `from`. Remote input never throws. */
export function handleStun(
  ctx: AgentContext,
  now: Millis,
  data: Uint8Array,
  from: SocketAddress,
  local: LocalCandidate,
): void {
  let msg: DecodedStunMessage;
  try {
    // A lazy view: the check's attributes are read from the bytes, none is materialised.
    msg = viewStunMessage(data);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    ctx.malformed++;
    return;
  }
  // RFC 8445 §7.2.2 / §7.3: checks and their responses carry FINGERPRINT.
  if (msg.method !== StunMethod.Binding || !verifyFingerprint(msg)) {
    if (msg.method === StunMethod.Binding && msg.class === "indication") return;
    ctx.dropped++;
    return;
  }
  try {
    if (msg.class === "request") onRequest(ctx, now, msg, from, local);
    else if (msg.class === "success" || msg.class === "error")
      onResponse(ctx, now, msg, from, local);
  } catch (e) {
    if (!(e instanceof DecodeError)) throw e;
    ctx.malformed++;
  }
}
