/** Data channels against aiortc (Python, Debian's python3-aiortc 1.4.0). */
import { startAiortc } from "./aiortc-peer.js";
import { dataChannelSuite } from "./data-cases.js";

dataChannelSuite({
  name: "aiortc",
  start: startAiortc,
  // aiortc 1.4 offers the pre-RFC 8841 format (draft-ietf-mmusic-sctp-sdp-05): we must answer it.
  offerSctp: /m=application \d+ DTLS\/SCTP 5000\r\n[\s\S]*a=sctpmap:5000 webrtc-datachannel 65535/,
});
