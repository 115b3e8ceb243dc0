import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { negotiate, type SimPair, type SimPeer, simPair } from "./helpers.js";

const L = 10; // one-way latency, ms

function opened(s: SimPair): boolean {
  return (
    s.offerer.events.some((e) => e.type === "channel-open") &&
    s.answerer.events.some((e) => e.type === "datachannel")
  );
}

function dtlsConnected(p: SimPeer): boolean {
  return p.events.some(
    (e: PeerCoreEvent) => e.type === "dtls-state" && (e as { state: string }).state === "connected",
  );
}

describe("peer core: who sends the SCTP INIT over DTLS (RFC 8261; collisions RFC 9260 §5.2)", () => {
  it("the DTLS client answers the server's INIT instead of crossing it with its own: only INIT ACK and COOKIE ACK as its control packets", () => {
    const s = simPair(7, { latencyMs: L });
    negotiate(s);
    s.offerer.core.createChannel(s.driver.now, { label: "chat" });
    s.driver.runUntil(() => opened(s));
    // The answer says setup:active: the answerer is the DTLS client.
    expect(s.answerer.core.dtlsRole).toBe("client");
    const a = s.answerer.core.stats().sctp!;
    // Its packets: INIT ACK, COOKIE ACK, the DCEP ACK (DATA) and path MTU probes. With its own
    // INIT crossing the server's, INIT and COOKIE ECHO were sent too (and the server answered them).
    expect(a.packetsSent - a.dataChunksSent - a.pmtuProbesSent).toBe(2);
    expect(a.retransmissions + s.offerer.core.stats().sctp!.retransmissions).toBe(0);
  });

  it("the DTLS client initiates itself when no INIT of the server arrives (the server's INIT lost here), long before the server's T1-init retransmission", () => {
    const s = simPair(8, { latencyMs: L });
    negotiate(s);
    s.offerer.core.createChannel(s.driver.now, { label: "chat" });
    // Drops the server's first SCTP packet (its INIT: the first DTLS application-data record).
    const core = s.offerer.core;
    const pollTransmit = core.pollTransmit.bind(core);
    let dropped = false;
    core.pollTransmit = () => {
      for (;;) {
        const t = pollTransmit();
        if (t === undefined || dropped || core.dtlsState !== "connected" || t.data[0] !== 23)
          return t;
        dropped = true;
      }
    };
    s.driver.runUntil(() => dtlsConnected(s.answerer));
    const t0 = s.driver.now;
    s.driver.runUntil(() => opened(s));
    expect(dropped).toBe(true);
    // The client's INIT, INIT ACK, COOKIE ECHO, COOKIE ACK, DCEP OPEN: about 5 one-way delays,
    // where waiting for the server to retransmit would take its RTO.Initial (1 s, RFC 9260 §16).
    expect(s.driver.now - t0).toBeLessThan(10 * L);
  });
});
