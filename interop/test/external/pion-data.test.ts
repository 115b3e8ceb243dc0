/** Data channels against Pion (Go, Debian's golang-github-pion-webrtc.v3-dev 3.1.56). */
import { dataChannelSuite } from "./data-cases.js";
import { ForeignPeer } from "./foreign-peer.js";
import { buildPion } from "./pion-build.js";

const binary = buildPion();

dataChannelSuite({
  name: "Pion",
  // Pion 3.1 announces no a=max-message-size (so 64 KiB, RFC 8841 §6) but reads each message
  // into a 65535-byte buffer and closes the channel on a larger one (datachannel.go).
  maxReceivedMessage: 65535,
  start: () => (binary ? new ForeignPeer("pion", binary, []) : undefined),
});
