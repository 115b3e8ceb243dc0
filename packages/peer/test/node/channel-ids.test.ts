import { describe, expect, it } from "vitest";
import type { RTCDataChannel } from "../../src/node/index.js";
import { negotiate, once, trickle, webrtc } from "./helpers.js";

describe("data channel ids before the SCTP transport exists (webrtc-pc §6.1)", () => {
  it("DCEP channels created first never take the id of a negotiated channel created after them", async () => {
    // Found against Firefox: echo/bulk/unordered then negotiated id 5 on the DTLS server got
    // ids 1, 3, 5 for the in-band channels and the negotiated one failed with "id 5 in use".
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    trickle(a, b);
    const inBand = ["x", "y", "z"].map((l) => a.createDataChannel(l));
    // Both parities, so the test holds whichever DTLS role `a` ends up with.
    const negA = [0, 1].map((id) => a.createDataChannel(`n${id}`, { negotiated: true, id }));
    const negB = [0, 1].map((id) => b.createDataChannel(`n${id}`, { negotiated: true, id }));
    const announced: RTCDataChannel[] = [];
    const all = new Promise<void>((resolve) => {
      b.ondatachannel = (e) => {
        announced.push(e.channel);
        if (announced.length === inBand.length) resolve();
      };
    });
    await negotiate(a, b);
    await Promise.all([...inBand, ...negA, ...negB].map((c) => once(c, "open")));
    await all;
    expect(negA.map((c) => c.id)).toEqual([0, 1]);
    const ids = inBand.map((c) => c.id);
    expect(ids.some((id) => id === 0 || id === 1)).toBe(false);
    expect(new Set(ids).size).toBe(3);
    expect(announced.map((c) => [c.label, c.id])).toEqual(inBand.map((c) => [c.label, c.id]));
    const m = once<MessageEvent>(negB[1]!, "message");
    negA[1]!.send("on 1");
    expect((await m).data).toBe("on 1");
    a.close();
    b.close();
  });

  it("a second channel asking for an id still pending is refused with OperationError", () => {
    const pc = new webrtc.RTCPeerConnection();
    pc.createDataChannel("n", { negotiated: true, id: 3 });
    expect(() => pc.createDataChannel("m", { negotiated: true, id: 3 })).toThrow(
      expect.objectContaining({ name: "OperationError" }),
    );
    pc.close();
  });
});
