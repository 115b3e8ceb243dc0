/**
 * The PPID conventions of WebRTC data channels (RFC 8831 §6.6) on receive: UTF-8 text, binary,
 * the empty-message PPIDs, and the deprecated partial PPIDs whose parts join into one message.
 */
import { utf8Decode } from "@purertc/common";
import { Ppid } from "../constants.js";
import type { Channel } from "./channel.js";

/**
 * The message a user-data PPID carries: a string for text, bytes otherwise; undefined for a
 * deprecated partial part (held on the channel until the last part) or an unknown PPID.
 */
export function decodeUserMessage(
  ch: Channel,
  ppid: number,
  data: Uint8Array,
): string | Uint8Array | undefined {
  switch (ppid) {
    case Ppid.STRING:
      return utf8Decode(joinPartial(ch, data));
    case Ppid.BINARY:
      return joinPartial(ch, data);
    case Ppid.STRING_PARTIAL:
    case Ppid.BINARY_PARTIAL:
      ch.partial.push(data);
      return undefined;
    case Ppid.STRING_EMPTY:
      return "";
    case Ppid.BINARY_EMPTY:
      return new Uint8Array(0);
    default:
      return undefined;
  }
}

/** `last` preceded by the channel's held partial parts, which are then forgotten. */
function joinPartial(ch: Channel, last: Uint8Array): Uint8Array {
  if (ch.partial.length === 0) return last;
  let n = last.byteLength;
  for (const p of ch.partial) n += p.byteLength;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of ch.partial) {
    out.set(p, o);
    o += p.byteLength;
  }
  out.set(last, o);
  ch.partial = [];
  return out;
}
