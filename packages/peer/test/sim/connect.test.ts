import { describe, expect, it } from "vitest";
import type { PeerCoreEvent } from "../../src/index.js";
import { negotiate, type SimPair, simPair } from "./helpers.js";

function states(events: PeerCoreEvent[], type: PeerCoreEvent["type"]): string[] {
  return events.filter((e) => e.type === type).map((e) => (e as { state: string }).state);
}

function connectAndOpen(s: SimPair): number {
  negotiate(s);
  const now = s.driver.now;
  s.offerer.core; // channels need the SCTP transport: both sides have it after the answer
  const id = s.offerer.core.createChannel(now, { label: "chat" });
  s.driver.runUntil(
    () =>
      s.offerer.events.some((e) => e.type === "channel-open") &&
      s.answerer.events.some((e) => e.type === "datachannel"),
  );
  return id;
}

describe("peer core in simulated time", () => {
  it("connects ICE, DTLS and SCTP and opens a DCEP channel on a clean link", () => {
    const s = simPair(1, { latencyMs: 10 });
    const id = connectAndOpen(s);
    expect(id % 2).toBe(s.offerer.core.dtlsRole === "client" ? 0 : 1);
    expect(states(s.offerer.events, "connection-state")).toEqual(["connecting", "connected"]);
    expect(states(s.answerer.events, "connection-state")).toEqual(["connecting", "connected"]);
    expect(states(s.offerer.events, "dtls-state")).toEqual(
      ["connecting", "connected"].slice(s.offerer.core.dtlsRole === "server" ? 1 : 0),
    );
    expect(s.offerer.core.sctpState).toBe("connected");
    // RFC 8842 §5.2: the answerer chose `active`, so it is the DTLS client.
    expect(s.answerer.core.dtlsRole).toBe("client");
    expect(s.offerer.core.remoteCertificate).toEqual(s.answerer.cert.der);
  });

  it("delivers 200 messages exactly and in order at 5% loss (seeded)", () => {
    const s = simPair(7, { latencyMs: 20, jitterMs: 5, loss: 0.05 });
    const id = connectAndOpen(s);
    const sent: string[] = [];
    for (let i = 0; i < 200; i++) {
      const m = `m${i}:${"x".repeat(i * 37)}`;
      sent.push(m);
      s.offerer.core.send(s.driver.now, id, m);
    }
    const got = () =>
      s.answerer.events
        .filter((e) => e.type === "message")
        .map((e) => (e as { data: string }).data);
    s.driver.runUntil(() => got().length === 200);
    expect(got()).toEqual(sent);
  });

  it("is deterministic: the same seed gives the same event timeline", () => {
    const run = () => {
      const s = simPair(3, { latencyMs: 15, loss: 0.05 });
      connectAndOpen(s);
      return s.driver.now;
    };
    expect(run()).toBe(run());
  });

  it("fails the connection when the DTLS fingerprint does not match (RFC 8122 §5)", () => {
    const s = simPair(2, { latencyMs: 5 });
    negotiate(s);
    // Replace the answerer's expected fingerprint by a wrong one before DTLS completes.
    s.answerer.core.setTransportParameters(s.driver.now, {
      dtlsRole: "client",
      fingerprints: [{ algorithm: "sha-256", value: Array(32).fill("AB").join(":") }],
      localSctpPort: 5000,
      remoteSctpPort: 5000,
      remoteMaxMessageSize: 262144,
    });
    s.driver.runUntil(() => s.answerer.core.connectionState === "failed");
    const failed = s.answerer.events.find((e) => e.type === "dtls-state" && e.state === "failed");
    expect(failed).toMatchObject({ reason: "fingerprint-mismatch" });
    expect(s.answerer.core.sctpState).not.toBe("connected");
  });
});
