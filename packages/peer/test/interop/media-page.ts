/**
 * The browser side of the media interop tests: a page on 127.0.0.1 that offers or answers with
 * its fake camera and microphone, plays what it receives in <video> elements and reports its
 * `inbound-rtp` stats.
 */
import { createServer, type Server } from "node:http";

export const MEDIA_PAGE_SCRIPT = `
async function gathered(pc) {
  if (pc.iceGatheringState === "complete") return;
  await new Promise((r) => pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
}
window.log = [];
function newPc() {
  const pc = new RTCPeerConnection();
  pc.onconnectionstatechange = () => window.log.push("conn " + pc.connectionState);
  pc.ontrack = (e) => {
    const v = document.createElement(e.track.kind === "video" ? "video" : "audio");
    v.muted = true; v.autoplay = true; v.srcObject = new MediaStream([e.track]);
    document.body.append(v); v.play().catch(() => {});
  };
  window.pc = pc;
  return pc;
}
const camera = () => navigator.mediaDevices.getUserMedia({ audio: true, video: { width: 320, height: 240 } });
window.offerMedia = async () => {
  const pc = newPc();
  const s = await camera();
  for (const t of s.getTracks()) pc.addTrack(t, s);
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.answerMedia = async (offer, send) => {
  const pc = newPc();
  await pc.setRemoteDescription({ type: "offer", sdp: offer });
  if (send) { const s = await camera(); for (const t of s.getTracks()) pc.addTrack(t, s); }
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.accept = (answer) => window.pc.setRemoteDescription({ type: "answer", sdp: answer });
window.inbound = async () => {
  const st = await window.pc.getStats();
  const codecs = new Map([...st.values()].filter((r) => r.type === "codec").map((r) => [r.id, r.mimeType]));
  return [...st.values()].filter((r) => r.type === "inbound-rtp").map((r) => ({
    kind: r.kind, mimeType: codecs.get(r.codecId), packetsReceived: r.packetsReceived,
    framesDecoded: r.framesDecoded, frameWidth: r.frameWidth, keyFramesDecoded: r.keyFramesDecoded,
  }));
};
`;

/** Serves the page on 127.0.0.1 (a secure context, so getUserMedia works). */
export async function serveMediaPage(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/media.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(MEDIA_PAGE_SCRIPT);
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><body><script src="/media.js"></script></body>');
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/` };
}
