/**
 * The browser side of the SFU interop tests: the media page plus a simulcast publisher
 * (`sendEncodings` with three rids) and `inbound` stats with frame sizes.
 */
import { createServer, type Server } from "node:http";
import { MEDIA_PAGE_SCRIPT } from "./media-page.js";

const SFU_PAGE_SCRIPT = `${MEDIA_PAGE_SCRIPT}
window.offerSimulcast = async () => {
  const pc = newPc();
  const s = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240 } });
  pc.addTransceiver(s.getVideoTracks()[0], {
    direction: "sendonly",
    streams: [s],
    sendEncodings: [
      // Capped so that the three fit in the send estimate Chromium starts with (300 kbps).
      { rid: "q", scaleResolutionDownBy: 4, maxBitrate: 40000 },
      { rid: "h", scaleResolutionDownBy: 2, maxBitrate: 70000 },
      { rid: "f", maxBitrate: 120000 },
    ],
  });
  await pc.setLocalDescription();
  await gathered(pc);
  return pc.localDescription.sdp;
};
window.outbound = async () => {
  const st = await window.pc.getStats();
  return [...st.values()].filter((r) => r.type === "outbound-rtp").map((r) => ({
    rid: r.rid, packetsSent: r.packetsSent, frameWidth: r.frameWidth,
  }));
};
`;

/** Serves the page on 127.0.0.1 (a secure context, so getUserMedia works). */
export async function serveSfuPage(): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === "/sfu.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(SFU_PAGE_SCRIPT);
    } else {
      res.writeHead(200, { "content-type": "text/html" });
      res.end('<!doctype html><body><script src="/sfu.js"></script></body>');
    }
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return { server, url: `http://127.0.0.1:${port}/` };
}
