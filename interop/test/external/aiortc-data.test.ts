/** Data channels against aiortc (Python, Debian's python3-aiortc 1.4.0). */
import { startAiortc } from "./aiortc-peer.js";
import { dataChannelSuite } from "./data-cases.js";

dataChannelSuite({ name: "aiortc", start: startAiortc });
