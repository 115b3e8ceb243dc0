/** Shared inputs of the JSEP session tests: a local transport and an Opus codec. */
import type { LocalTransportInit } from "../../src/index.js";

/** A local transport with `ufrag`, no candidates, the default data section parameters. */
export const init = (ufrag: string): LocalTransportInit => ({
  credentials: { ufrag, pwd: "p".repeat(24) },
  fingerprints: [{ algorithm: "sha-256", value: "AB:CD" }],
  candidates: [],
  endOfCandidates: false,
  maxMessageSize: 262144,
  sctpPort: 5000,
});

/** Opus 48 kHz stereo on payload type 111. */
export const opus = {
  payloadType: 111,
  name: "opus",
  clockRate: 48000,
  channels: 2,
  parameters: {},
  feedback: [],
};
