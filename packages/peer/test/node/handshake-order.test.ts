import { Socket } from "node:dgram";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { RTCDataChannel, RTCPeerConnection } from "../../src/node/index.js";
import { negotiate, once, trickle, webrtc } from "./helpers.js";

/** One datagram a socket of this process sent: its local port and first bytes. */
interface Sent {
  readonly port: number;
  readonly head: readonly number[];
}

const originalSend = Socket.prototype.send;
let sent: Sent[] = [];

/** The local port of the selected pair (the socket everything of `pc` leaves from). */
function localPort(pc: RTCPeerConnection): number {
  const pair = pc.sctp?.transport.iceTransport.getSelectedCandidatePair();
  if (!pair) throw new Error("no selected pair");
  return pair.local.port!;
}

describe("runner: a handshake step leaves before the W3C tasks of the datagram that caused it", () => {
  beforeEach(() => {
    sent = [];
    // Records every datagram, then sends it as usual.
    Socket.prototype.send = function (this: Socket, ...args: unknown[]) {
      const data = args[0] as Uint8Array;
      sent.push({ port: this.address().port, head: [...data.subarray(0, 2)] });
      return (originalSend as (...a: unknown[]) => void).apply(this, args);
    } as typeof Socket.prototype.send;
  });
  afterEach(() => {
    Socket.prototype.send = originalSend;
  });

  it("the DTLS server's ChangeCipherSpec+Finished (RFC 6347 §4.2.4 flight 6) and the controlled agent's response to the nominating check (RFC 8445 §7.3.1.5) are on the wire when the 'connected' handlers run", async () => {
    const a = new webrtc.RTCPeerConnection();
    const b = new webrtc.RTCPeerConnection();
    trickle(a, b);
    const seen: string[] = [];
    // The offerer is the DTLS server (the answer says setup:active); its connection becomes
    // connected on the client's Finished, and flight 6 answers that same datagram.
    a.addEventListener("connectionstatechange", () => {
      if (a.connectionState !== "connected") return;
      const port = localPort(a);
      const ccs = sent.some((s) => s.port === port && s.head[0] === 20);
      seen.push(`a connected, flight 6 sent: ${ccs}`);
    });
    // The answerer is controlled: ICE connects on the offerer's USE-CANDIDATE check, whose
    // Binding success response (0x0101) answers that same datagram.
    b.addEventListener("iceconnectionstatechange", () => {
      // "completed" at once when the offerer's end-of-candidates came first (RFC 8838 §4.4).
      if (b.iceConnectionState !== "connected" && b.iceConnectionState !== "completed") return;
      const port = localPort(b);
      const response = sent.some((s) => s.port === port && s.head[0] === 1 && s.head[1] === 1);
      seen.push(`b connected, check answered: ${response}`);
    });
    const ca = a.createDataChannel("order");
    const incoming = once<Event & { channel: RTCDataChannel }>(b, "datachannel");
    await negotiate(a, b);
    const cb = (await incoming).channel;
    if (ca.readyState !== "open") await once(ca, "open");
    expect(cb.readyState).toBe("open");
    expect(seen.sort()).toEqual([
      "a connected, flight 6 sent: true",
      "b connected, check answered: true",
    ]);
    a.close();
    b.close();
  });
});
