/**
 * The browser side of the interop tests: a page served on 127.0.0.1 whose script answers or
 * offers (with `window.pcConfig` as its RTCConfiguration), echoes every message on its channels,
 * except `bulk` channels, whose bytes it hashes (FNV-1a, reported back as `done:<bytes>:<hash>`),
 * and `sink` channels, which only count what arrives.
 */
import { createServer, type Server } from "node:http";

export const PAGE_SCRIPT = `
const fnv = (h, bytes) => { for (let i = 0; i < bytes.length; i++) { h ^= bytes[i]; h = Math.imul(h, 16777619) >>> 0; } return h; };
function wire(ch) {
  ch.binaryType = "arraybuffer";
  if (ch.label.startsWith("bulk")) {
    const want = Number(ch.label.split(":")[1]);
    let got = 0, h = 2166136261;
    ch.onmessage = (e) => {
      const b = new Uint8Array(e.data);
      got += b.length; h = fnv(h, b);
      if (got >= want) ch.send("done:" + got + ":" + h);
    };
  } else if (!ch.label.startsWith("sink")) {
    ch.onmessage = (e) => ch.send(e.data);
  }
}
async function gathered(pc) {
  if (pc.iceGatheringState === "complete") return;
  await new Promise((r) => pc.addEventListener("icegatheringstatechange", () => pc.iceGatheringState === "complete" && r()));
}
window.log = [];
async function newPc() {
  if (!window.skipGum) try { const s = await navigator.mediaDevices.getUserMedia({ audio: true }); s.getTracks().forEach((t) => t.stop()); } catch (e) { window.log.push("gum " + e); }
  const pc = new RTCPeerConnection(window.pcConfig || {});
  pc.ondatachannel = (e) => wire(e.channel);
  pc.onconnectionstatechange = () => window.log.push("conn " + pc.connectionState);
  window.pc = pc;
  return pc;
}
window.answer = async (offer) => {
  const pc = await newPc();
  await pc.setRemoteDescription({ type: "offer", sdp: offer });
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.offer = async (labels) => {
  const pc = await newPc();
  for (const l of labels) wire(pc.createDataChannel(l));
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.accept = (answer) => window.pc.setRemoteDescription({ type: "answer", sdp: answer });
window.selectedPair = async () => {
  const stats = [...(await window.pc.getStats()).values()];
  const t = stats.find((s) => s.type === "transport");
  const pair = stats.find((s) => s.id === t.selectedCandidatePairId);
  const local = stats.find((s) => s.id === pair.localCandidateId);
  const remote = stats.find((s) => s.id === pair.remoteCandidateId);
  return { local: local.candidateType, remote: remote.candidateType, url: local.url, relayProtocol: local.relayProtocol };
};
`;

/** Serves the page on 127.0.0.1 (a secure context, so getUserMedia works). */
export async function servePage(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/page.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(PAGE_SCRIPT);
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><script src="/page.js"></script>');
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/` };
}

/** FNV-1a over bytes, as the page computes it. */
export function fnv1a(h: number, bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i]!;
    h = Math.imul(h, 16777619) >>> 0;
  }
  return h;
}
