import { describe, expect, it } from "vitest";
import { bothConnected, iceSim } from "../support/ice-sim.js";

describe("W3C RTCIceCandidateStats / RTCIceCandidatePairStats", () => {
  it("the selected pair reports checks, responses, RTT, nomination and bytes", () => {
    const s = iceSim({ a: { nat: "eim", stun: true }, b: { relay: true } });
    s.driver.runUntil(() => bothConnected(s), { timeoutMs: 20_000 });
    s.a.agent.send(s.driver.now, new Uint8Array(100));
    s.driver.runFor(12_000);
    const st = s.a.agent.stats();
    const sel = st.pairs.find((p) => p.id === st.selectedPairId)!;
    expect(sel).toMatchObject({
      type: "candidate-pair",
      state: "succeeded",
      nominated: true,
      selected: true,
    });
    expect(sel.requestsSent).toBeGreaterThan(0);
    expect(sel.responsesReceived).toBeGreaterThan(0);
    expect(sel.consentRequestsSent).toBeGreaterThanOrEqual(2);
    expect(sel.bytesSent).toBe(100);
    expect(sel.packetsSent).toBe(1);
    // 20 ms each way through the simulated link: RTT 40 ms, in seconds.
    expect(sel.currentRoundTripTime).toBeCloseTo(0.04, 3);
    expect(sel.totalRoundTripTime).toBeGreaterThan(0);
    const local = st.localCandidates.find((c) => c.id === sel.localCandidateId)!;
    expect(local).toMatchObject({ type: "local-candidate", protocol: "udp" });
    expect(["host", "srflx", "prflx"]).toContain(local.candidateType);
    expect(local.usernameFragment).toBe(s.a.agent.localCredentials.ufrag);
    const remote = st.remoteCandidates.find((c) => c.id === sel.remoteCandidateId)!;
    expect(remote.type).toBe("remote-candidate");
    // b's relayed candidate carries the TURN URL and protocol.
    const relay = s.b.agent.stats().localCandidates.find((c) => c.candidateType === "relay")!;
    expect(relay).toMatchObject({
      relayProtocol: "udp",
      url: "turn:198.51.100.2:3478?transport=udp",
    });
    const srflx = st.localCandidates.find((c) => c.candidateType === "srflx")!;
    expect(srflx).toMatchObject({
      address: "203.0.113.1",
      relatedAddress: "192.168.1.10",
      url: "stun:198.51.100.1:3478",
    });
    // The responder side counts requests received and responses sent.
    const bSel = s.b.agent.stats().pairs.find((p) => p.selected)!;
    expect(bSel.requestsReceived).toBeGreaterThan(0);
    expect(bSel.responsesSent).toBe(bSel.requestsReceived);
  });
});
