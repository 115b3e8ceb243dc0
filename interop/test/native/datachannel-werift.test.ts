/** Data channels between purertc and werift (TypeScript SCTP and DTLS). */
import { describe } from "vitest";
import { dataChannelSuite } from "../shared/native-datachannel-suite.js";
import { WeriftPeer } from "../shared/native-werift.js";

describe("data channels ↔ werift", () =>
  dataChannelSuite(() => new WeriftPeer(), { reuseAfterSimultaneousClose: true }));
