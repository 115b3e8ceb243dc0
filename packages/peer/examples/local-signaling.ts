/**
 * Signaling for the examples' in-process demos: two RTCPeerConnections in one process, offer
 * and answer handed over directly, candidates trickled. In a real app this is your WebSocket
 * (or HTTP) exchange with the browser; the browser side is plain `RTCPeerConnection` code.
 */
import { createWebRtc, type RTCPeerConnection } from "@purertc/peer";

/** Connections for the demos, on loopback only (a server would use the defaults). */
export const { RTCPeerConnection: LocalPeerConnection } = createWebRtc({
  addresses: ["127.0.0.1"],
  mdns: "disabled",
});

/** Offer from `offerer`, answer from `answerer`, candidates both ways; resolves when connected. */
export async function connect(offerer: RTCPeerConnection, answerer: RTCPeerConnection) {
  offerer.onicecandidate = (e) => void answerer.addIceCandidate(e.candidate).catch(() => {});
  answerer.onicecandidate = (e) => void offerer.addIceCandidate(e.candidate).catch(() => {});
  await offerer.setLocalDescription();
  await answerer.setRemoteDescription(offerer.localDescription!);
  await answerer.setLocalDescription();
  await offerer.setRemoteDescription(answerer.localDescription!);
  await Promise.all([connected(offerer), connected(answerer)]);
}

function connected(pc: RTCPeerConnection): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pc.connectionState === "connected") resolve();
      else if (pc.connectionState === "failed") reject(new Error("connection failed"));
    };
    pc.addEventListener("connectionstatechange", check);
    check();
  });
}

/** Seconds the demos run (`EXAMPLE_SECONDS`, default 5). */
export const demoSeconds = Number(process.env.EXAMPLE_SECONDS ?? 5);
