/**
 * Trickle ICE (RFC 8838) with Pion: descriptions go out at once and candidates follow one by one
 * both ways, ending with end-of-candidates; purertc as offerer and answerer.
 */
import type { RTCDataChannel, RTCPeerConnectionIceEvent } from "@purertc/peer";
import { afterEach, describe, expect, it } from "vitest";
import { ForeignPeer } from "./foreign-peer.js";
import { buildPion } from "./pion-build.js";
import { connected, Inbox, once, ROLES, webrtc } from "./session.js";

const binary = buildPion();

describe("Pion trickle ICE", () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const c of cleanup.splice(0)) await c();
  });

  for (const role of ROLES)
    it(`connects with candidates trickled both ways, purertc ${role}`, async (ctx) => {
      if (!binary) return ctx.skip();
      const peer = new ForeignPeer("pion", binary, []);
      const pc = new webrtc.RTCPeerConnection();
      cleanup.push(
        () => pc.close(),
        () => peer.close(),
      );
      // Ours → Pion, as they come (Pion waits for its remote description before adding them).
      let sent = 0;
      pc.addEventListener("icecandidate", (e) => {
        const c = (e as RTCPeerConnectionIceEvent).candidate;
        if (c) sent++;
        void peer.request("candidate", c ? { ...c.toJSON() } : { candidate: "" });
      });
      // Pion → ours, held until our remote description is set.
      const theirs: ({ candidate: string; sdpMLineIndex: number } | null)[] = [];
      let flush: (() => void) | undefined;
      let received = 0;
      peer.onEvent((e) => {
        if (e.event !== "candidate") return;
        if (e.candidate) received++;
        // Pion 3.1's ToJSON() says sdpMid "" (see the skipped case below): pass the index only.
        theirs.push(
          e.candidate
            ? { candidate: e.candidate as string, sdpMLineIndex: e.sdpMLineIndex as number }
            : null,
        );
        flush?.();
      });
      const startFlushing = () => {
        flush = () => {
          for (const c of theirs.splice(0)) void pc.addIceCandidate(c);
        };
        flush();
      };

      let channel: Promise<RTCDataChannel>;
      if (role === "offerer") {
        channel = Promise.resolve(pc.createDataChannel("trickle"));
        await pc.setLocalDescription();
        const { sdp } = await peer.request<{ sdp: string }>("accept", {
          sdp: pc.localDescription!.sdp,
          trickle: true,
        });
        await pc.setRemoteDescription({ type: "answer", sdp });
      } else {
        await peer.request("open", { label: "trickle" });
        channel = once<Event & { channel: RTCDataChannel }>(pc, "datachannel").then(
          (e) => e.channel,
        );
        const { sdp } = await peer.request<{ sdp: string }>("offer", { trickle: true });
        await pc.setRemoteDescription({ type: "offer", sdp });
        await pc.setLocalDescription();
        await peer.request("answer", { sdp: pc.localDescription!.sdp });
      }
      startFlushing();
      await connected(pc);
      const ch = await channel;
      const inbox = new Inbox(ch);
      if (ch.readyState !== "open") await once(ch, "open");
      ch.send("trickled");
      expect(await inbox.next()).toBe("trickled");
      expect(sent).toBeGreaterThan(0);
      expect(received).toBeGreaterThan(0);
      expect(pc.remoteDescription!.sdp).not.toMatch(/a=candidate/);
    });

  // Pion 3.1 trickles {candidate, sdpMid: "", sdpMLineIndex: 0} (ICECandidate.ToJSON); libwebrtc
  // reads the empty mid as absent, and so do we.
  it('accepts Pion\'s candidate JSON with sdpMid "" by its sdpMLineIndex, as Chromium does', async (ctx) => {
    if (!binary) return ctx.skip();
    const peer = new ForeignPeer("pion", binary, []);
    const pc = new webrtc.RTCPeerConnection();
    cleanup.push(
      () => pc.close(),
      () => peer.close(),
    );
    await peer.request("open", { label: "mid" });
    const candidate = new Promise<Record<string, unknown>>((resolve) =>
      peer.onEvent((e) => {
        if (e.event === "candidate" && e.candidate) resolve(e);
      }),
    );
    const { sdp } = await peer.request<{ sdp: string }>("offer", { trickle: true });
    await pc.setRemoteDescription({ type: "offer", sdp });
    const c = await candidate;
    expect(c.sdpMid).toBe("");
    await pc.addIceCandidate({
      candidate: c.candidate as string,
      sdpMid: c.sdpMid as string,
      sdpMLineIndex: c.sdpMLineIndex as number,
    });
  });
});
