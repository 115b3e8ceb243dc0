import { describe, expect, it } from "vitest";
import { connectPair, simPair } from "../sim/harness.js";

describe("association handshake (RFC 9260 §5)", () => {
  it("one side connects: INIT, INIT ACK, COOKIE ECHO, COOKIE ACK", () => {
    const p = simPair({ link: { latencyMs: 10 } });
    connectPair(p, false);
    expect(p.a.takeEvents()).toContainEqual({ type: "connected" });
    expect(p.b.takeEvents()).toContainEqual({ type: "connected" });
    expect(p.A.capabilities).toEqual({
      forwardTsn: true,
      reConfig: true,
      iData: false,
      zeroChecksum: true,
      peerReceiveMtu: 16384,
    });
    expect(p.driver.now).toBeLessThanOrEqual(40);
  });

  it("both sides connect at once (INIT collision, §5.2.1) and agree", () => {
    const p = simPair({ link: { latencyMs: 10 } });
    connectPair(p, true);
    expect(p.a.takeEvents().filter((e) => e.type === "connected")).toHaveLength(1);
    expect(p.b.takeEvents().filter((e) => e.type === "connected")).toHaveLength(1);
  });

  it("handshake completes at 50% loss", () => {
    const p = simPair({ link: { latencyMs: 5, loss: 0.5 }, seed: 7 });
    connectPair(p, true);
    expect(p.A.state).toBe("established");
  });

  it("delivers a message after the handshake", () => {
    const p = simPair({ link: { latencyMs: 1 } });
    connectPair(p);
    p.A.send(p.driver.now, 1, 53, Uint8Array.of(1, 2, 3));
    p.driver.flush();
    p.driver.runUntil(() => p.b.events.some((e) => e.event.type === "message"));
    const m = p.b.takeEvents().find((e) => e.type === "message");
    expect(m).toMatchObject({
      type: "message",
      streamId: 1,
      ppid: 53,
      data: Uint8Array.of(1, 2, 3),
    });
  });
});
