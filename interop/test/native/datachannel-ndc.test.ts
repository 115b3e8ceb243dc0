/** Data channels between purertc and libdatachannel (node-datachannel: usrsctp, libjuice, OpenSSL). */
import { cleanup } from "node-datachannel";
import { afterAll, describe } from "vitest";
import { dataChannelSuite } from "../shared/native-datachannel-suite.js";
import { NdcPeer } from "../shared/native-ndc.js";

describe("data channels ↔ libdatachannel (node-datachannel)", () => {
  dataChannelSuite(() => new NdcPeer());
  // libdatachannel's threads keep the fork alive until cleanup().
  afterAll(() => cleanup());
});
