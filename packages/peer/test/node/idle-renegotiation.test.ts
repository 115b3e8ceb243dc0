/**
 * An idle connection drops state it only needs again for the next negotiation (the parsed
 * descriptions, held weakly once stable): after the GC ran, everything that reads them must
 * still work.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import { connectedPair, negotiate, once } from "./helpers.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** Lets the connection idle for a moment, then collects everything collectable. */
async function idleAndCollect(): Promise<void> {
  await new Promise((r) => setTimeout(r, 20));
  gc();
  await new Promise((r) => setImmediate(r));
  gc();
}

const ufrag = (sdp: string) => /a=ice-ufrag:(\S+)/.exec(sdp)![1];

describe("a connection that idled and was garbage-collected", () => {
  it("still reports stats, descriptions and canTrickleIceCandidates", async () => {
    const { a, b } = await connectedPair();
    await idleAndCollect();
    const report = await a.getStats();
    const types = new Set([...report.values()].map((s) => s.type));
    for (const t of ["transport", "candidate-pair", "data-channel", "certificate"])
      expect(types).toContain(t);
    expect(a.currentLocalDescription?.sdp).toContain("a=ice-ufrag:");
    expect(ufrag(a.currentRemoteDescription!.sdp)).toBe(ufrag(b.localDescription!.sdp));
    expect(a.canTrickleIceCandidates).toBe(true);
    a.close();
    b.close();
  });

  it("renegotiates an added transceiver, keeping the data section first (RFC 8829 §5.2.2)", async () => {
    const { a, b, ca, cb } = await connectedPair();
    await idleAndCollect();
    const needed = once(a, "negotiationneeded");
    a.addTransceiver("audio");
    await needed;
    await idleAndCollect();
    await negotiate(a, b);
    const mids = [...a.localDescription!.sdp.matchAll(/a=mid:(\S+)/g)].map((m) => m[1]);
    expect(mids).toEqual(["0", "1"]);
    expect(b.getTransceivers().map((t) => t.mid)).toEqual(["1"]);
    const m = once<MessageEvent>(cb, "message");
    ca.send("after renegotiation");
    expect((await m).data).toBe("after renegotiation");
    a.close();
    b.close();
  });

  it("restarts ICE and rolls back an offer after idling", async () => {
    const { a, b, ca, cb } = await connectedPair();
    await idleAndCollect();
    const offer = await a.createOffer();
    await a.setLocalDescription(offer);
    expect(a.signalingState).toBe("have-local-offer");
    await a.setLocalDescription({ type: "rollback" });
    expect(a.signalingState).toBe("stable");
    await idleAndCollect();
    const before = ufrag(a.localDescription!.sdp);
    const needed = once(a, "negotiationneeded");
    a.restartIce();
    await needed;
    await negotiate(a, b);
    expect(ufrag(a.localDescription!.sdp)).not.toBe(before);
    const m = once<MessageEvent>(cb, "message");
    ca.send("after restart");
    expect((await m).data).toBe("after restart");
    expect(a.connectionState).toBe("connected");
    a.close();
    b.close();
  });
});
