/** Data channels between purertc and libwebrtc (@roamhq/wrtc: dcSCTP, BoringSSL DTLS). */
import { describe } from "vitest";
import { dataChannelSuite } from "../shared/native-datachannel-suite.js";
import { WrtcPeer } from "../shared/native-wrtc.js";

describe("data channels ↔ libwebrtc (wrtc)", () => dataChannelSuite(() => new WrtcPeer()));
