/**
 * The page two headless Chromium tabs load for the relay-only test: it asks for the fake
 * microphone first (Chromium gathers loopback candidates only after a granted getUserMedia),
 * builds an RTCPeerConnection from the test's configuration, gathers completely (no trickle),
 * records every candidate and `icecandidateerror`, keeps the messages its data channel receives
 * and reports the selected candidate pair from getStats(). Signaling goes through the test
 * process: each function below is called with page.evaluate and returns plain data.
 */
import { createServer, type Server } from "node:http";

const PAGE_SCRIPT = `
window.state = { candidates: [], errors: [], received: [], log: [] };
let channel, opened;
function wire(ch) {
  channel = ch;
  ch.binaryType = "arraybuffer";
  ch.onmessage = (e) => window.state.received.push(
    typeof e.data === "string" ? e.data : "bin:" + Array.from(new Uint8Array(e.data)).join(","));
  opened = ch.readyState === "open" ? Promise.resolve() : new Promise((r) => { ch.onopen = r; });
}
async function gathered(pc, ms) {
  if (pc.iceGatheringState === "complete") return true;
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    pc.addEventListener("icegatheringstatechange", () => {
      if (pc.iceGatheringState === "complete") { clearTimeout(t); resolve(true); }
    });
  });
}
window.setup = async (config) => {
  const s = await navigator.mediaDevices.getUserMedia({ audio: true });
  s.getTracks().forEach((t) => t.stop());
  const pc = new RTCPeerConnection(config);
  window.pc = pc;
  pc.onicecandidate = (e) => e.candidate && e.candidate.candidate && window.state.candidates.push(e.candidate.candidate);
  pc.onicecandidateerror = (e) => window.state.errors.push({ code: e.errorCode, text: e.errorText, url: e.url });
  pc.onconnectionstatechange = () => window.state.log.push("conn " + pc.connectionState);
  pc.ondatachannel = (e) => wire(e.channel);
};
window.offer = async (ms) => {
  wire(window.pc.createDataChannel("chat"));
  await window.pc.setLocalDescription();
  const complete = await gathered(window.pc, ms);
  return { sdp: window.pc.localDescription.sdp, complete };
};
window.answer = async (sdp, ms) => {
  await window.pc.setRemoteDescription({ type: "offer", sdp });
  await window.pc.setLocalDescription();
  const complete = await gathered(window.pc, ms);
  return { sdp: window.pc.localDescription.sdp, complete };
};
window.accept = (sdp) => window.pc.setRemoteDescription({ type: "answer", sdp });
window.opened = async (ms) => {
  const deadline = Date.now() + ms;
  while (!opened && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  if (!opened) return false;
  return Promise.race([opened.then(() => true), new Promise((r) => setTimeout(() => r(false), deadline - Date.now()))]);
};
window.send = (messages) => {
  for (const m of messages) channel.send(typeof m === "string" ? m : new Uint8Array(m));
};
window.waitReceived = async (n, ms) => {
  const deadline = Date.now() + ms;
  while (window.state.received.length < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return window.state.received;
};
window.selectedPair = async () => {
  const stats = [...(await window.pc.getStats()).values()];
  const transport = stats.find((s) => s.type === "transport");
  const pair = stats.find((s) => s.id === transport.selectedCandidatePairId);
  const local = stats.find((s) => s.id === pair.localCandidateId);
  const remote = stats.find((s) => s.id === pair.remoteCandidateId);
  return {
    local: local.candidateType, remote: remote.candidateType, url: local.url,
    relayProtocol: local.relayProtocol, localAddress: local.address, remoteAddress: remote.address,
  };
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

/** What the page exposes on `window` (called through page.evaluate). */
export interface PageApi {
  state: {
    candidates: string[];
    errors: { code: number; text: string; url: string }[];
    received: string[];
    log: string[];
  };
  setup(config: unknown): Promise<void>;
  offer(ms: number): Promise<{ sdp: string; complete: boolean }>;
  answer(sdp: string, ms: number): Promise<{ sdp: string; complete: boolean }>;
  accept(sdp: string): Promise<void>;
  opened(ms: number): Promise<boolean>;
  send(messages: (string | number[])[]): void;
  waitReceived(n: number, ms: number): Promise<string[]>;
  selectedPair(): Promise<{
    local: string;
    remote: string;
    url: string;
    relayProtocol: string;
    localAddress: string;
    remoteAddress: string;
  }>;
}
