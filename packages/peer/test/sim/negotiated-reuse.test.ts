/**
 * The interleaving behind issue #11's intermittent Chromium step, replayed in simulated time with
 * purertc at both ends: the answerer closes a DCEP channel it opened right after a burst (RFC
 * 8831 §6.7: both outgoing streams reset, RFC 6525 §5.2.2), then the offerer opens a negotiated
 * channel on that just-freed id (RFC 8832 §6) and sends at once, while the answerer creates its
 * side only when that data is already on the wire. Chromium failed exactly here: it dispatched
 * the data as `message` while its channel was still "connecting", so its page's echo threw.
 * Our core must surface `channel-open` before any message of the new channel, deliver the data
 * from SSN 0 after the reset, and accept the echo sent from inside the message handler.
 */
import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { negotiate, type SimPair, simPair } from "./helpers.js";

const LATENCY_MS = 10;

/** The life-cycle events and messages of channel `id` in `events` from `from` on. */
function ofChannel(events: PeerCoreEvent[], id: number, from = 0): string[] {
  return events
    .slice(from)
    .filter((e) => "id" in e && e.id === id && e.type !== "buffered-amount-low")
    .map((e) => (e.type === "message" ? `message:${String(e.data).slice(0, 12)}` : e.type));
}

/** Connects, then the answerer opens a DCEP channel, sends a burst and closes it at once. */
function closeAfterBurst(s: SimPair): number {
  negotiate(s);
  const { offerer: a, answerer: b } = s;
  s.driver.runUntil(() => b.core.sctpState === "connected" && a.core.sctpState === "connected");
  const id = b.core.createChannel(s.driver.now, { label: "sink-them" });
  s.driver.runUntil(() => a.events.some((e) => e.type === "datachannel"));
  for (let i = 0; i < 40; i++) b.core.send(s.driver.now, id, `burst ${i} ${"c".repeat(i * 1000)}`);
  b.core.closeChannel(s.driver.now, id);
  const closed = (p: typeof a) => p.events.some((e) => e.type === "channel-close" && e.id === id);
  s.driver.runUntil(() => closed(a) && closed(b));
  expect(a.events.filter((e) => e.type === "message")).toHaveLength(40);
  return id;
}

describe("a negotiated channel on an id the other side just closed (issue #11, Chromium step)", () => {
  for (const createAfterMs of [0, 1, LATENCY_MS - 1])
    it(`the receiver creating its side ${createAfterMs} ms after the sender sent: open before the first message, both messages delivered from SSN 0 and echoed from the handler`, () => {
      const s = simPair(11, { latencyMs: LATENCY_MS });
      const id = closeAfterBurst(s);
      const { offerer: a, answerer: b } = s;
      const aFrom = a.events.length;
      const bFrom = b.events.length;
      const init = { label: "renegotiated-id", negotiated: true, id };
      expect(a.core.createChannel(s.driver.now, init)).toBe(id);
      const sent = ["negotiated on a freed id", "x".repeat(2000)];
      for (const m of sent) a.core.send(s.driver.now, id, m);
      s.driver.runFor(createAfterMs);
      // Nothing of the new channel reached the receiver yet: its side is created while the
      // sender's DATA chunks are in flight.
      expect(b.events.slice(bFrom).filter((e) => e.type === "message")).toEqual([]);
      expect(b.core.createChannel(s.driver.now, init)).toBe(id);
      let seen = bFrom;
      const echoes = () => a.events.slice(aFrom).filter((e) => e.type === "message" && e.id === id);
      s.driver.runUntil(() => {
        // The page's echo handler, run as soon as the receiver surfaces a message.
        for (; seen < b.events.length; seen++) {
          const e = b.events[seen]!;
          if (e.type === "message" && e.id === id) b.core.send(s.driver.now, id, e.data);
        }
        return echoes().length === sent.length;
      });
      expect(ofChannel(b.events, id, bFrom)).toEqual([
        "channel-open",
        ...sent.map((m) => `message:${m.slice(0, 12)}`),
      ]);
      expect(echoes().map((e) => (e as { data: unknown }).data)).toEqual(sent);
      expect(s.driver.now).toBeLessThan(1000);
    });
});
