/**
 * Applying a negotiation to the session's streams (RFC 8829 §5.10: a renegotiation keeps what
 * did not change): a sender keeps its state (sequence numbers, send history, SR counters) while
 * its id, SSRC and payload type stay, a receiver while its id and MID stay; streams no longer
 * listed are dropped, new ones created.
 */
import type { Rng } from "@purertc/common";
import { type MediaReceiveConfig, ReceiveStream } from "./receive-stream.js";
import { type MediaSendConfig, SendStream } from "./send-stream.js";

/** Reconciles `streams` with the negotiated `configs`; new streams start at a random sequence. */
export function applySenders(
  streams: Map<number, SendStream>,
  configs: readonly MediaSendConfig[],
  rng: Rng,
): void {
  const keep = new Set<number>();
  for (const c of configs) {
    keep.add(c.id);
    const cur = streams.get(c.id);
    if (cur && cur.ssrc === c.ssrc && cur.payloadType === c.codecs[0]?.payloadType) {
      cur.config = c;
      continue;
    }
    // RFC 3550 §5.1: "The initial value of the sequence number SHOULD be random".
    streams.set(c.id, new SendStream(c, rng.nextU32() & 0x7fff));
  }
  for (const id of [...streams.keys()]) if (!keep.has(id)) streams.delete(id);
}

/** Reconciles `streams` with the negotiated `configs`; returns the receivers in config order. */
export function applyReceivers(
  streams: Map<number, ReceiveStream>,
  configs: readonly MediaReceiveConfig[],
  jitter: { readonly nackIntervalMs: number; readonly giveUpMs: number },
): ReceiveStream[] {
  const keep = new Set<number>();
  const out: ReceiveStream[] = [];
  for (const c of configs) {
    keep.add(c.id);
    let rx = streams.get(c.id);
    if (rx && rx.config.mid === c.mid) rx.config = c;
    else {
      rx = new ReceiveStream(c, {
        nackIntervalMs: jitter.nackIntervalMs,
        giveUpMs: jitter.giveUpMs,
      });
      streams.set(c.id, rx);
    }
    out.push(rx);
  }
  for (const id of [...streams.keys()]) if (!keep.has(id)) streams.delete(id);
  return out;
}
