/**
 * SDP parse and serialize of a real Chromium offer (audio + video + data, 24 candidates) against
 * sdp-transform, the `sdp` package's line helpers and werift's SessionDescription.
 *
 * purertc "parse" is `parse()`, what a user calls to get the typed model: every line checked
 * (a malformed one throws), scalars typed, the long lists (codecs, candidates, extmaps, ssrcs,
 * attributes) built on first read. "parse + read every list" also builds all of those, for the
 * cost of a description whose every value is used. "serialize" writes back a parsed model
 * (lossless path).
 */
import { type MediaSection, parse, type SessionDescription, serialize } from "@purertc/sdp";
import { readTextFixture } from "@purertc/testkit/node";
import * as sdpNs from "sdp";
import * as sdpTransform from "sdp-transform";
import { SessionDescription as WeriftSdp } from "werift";
import { defineBench } from "../harness.js";

// CommonJS `module.exports = SDPUtils`: the functions live on the default export at runtime.
const sdpPkg = (sdpNs as unknown as { default?: typeof sdpNs }).default ?? sdpNs;
const OFFER = readTextFixture("sdp", "chromium-av-data-offer.sdp");
let sink: unknown;

/** Reads every lazily built list of a parsed description (and so builds it). */
function readAll(sdp: SessionDescription): number {
  let n = sdp.extmaps.length + sdp.attributes.length;
  for (const m of sdp.media as MediaSection[]) {
    n += m.codecs.length + m.candidates.length + m.extmaps.length + m.ssrcs.length;
    n += m.attributes.length;
  }
  return n;
}

/** The `sdp` package has no whole-description parser; this is its documented way to read one. */
function sdpPackageParse(text: string): unknown {
  const sections = sdpPkg.splitSections(text);
  const session = sections[0]!;
  return sections.slice(1).map((m) => ({
    mid: sdpPkg.getMid(m),
    kind: sdpPkg.getKind(m),
    rtp: sdpPkg.parseRtpParameters(m, session),
    ice: sdpPkg.getIceParameters(m, session),
    dtls: sdpPkg.getDtlsParameters(m, session),
    candidates: sdpPkg.matchPrefix(m, "a=candidate:").map((l) => sdpPkg.parseCandidate(l)),
    ssrcs: sdpPkg.matchPrefix(m, "a=ssrc:").map((l) => sdpPkg.parseSsrcMedia(l)),
  }));
}

export default defineBench({
  name: "sdp",
  cases: [
    {
      name: `parse Chromium offer (${OFFER.length} B)`,
      contenders: {
        purertc: () => () => {
          sink = parse(OFFER);
        },
        "sdp-transform": () => () => {
          sink = sdpTransform.parse(OFFER);
        },
        sdp: () => () => {
          sink = sdpPackageParse(OFFER);
        },
        werift: () => () => {
          sink = WeriftSdp.parse(OFFER);
        },
      },
    },
    {
      name: "parse + read every list (codecs, candidates, extmaps, ssrcs)",
      contenders: {
        purertc: () => () => {
          sink = readAll(parse(OFFER));
        },
        "sdp-transform": () => () => {
          sink = sdpTransform.parse(OFFER);
        },
        werift: () => () => {
          sink = WeriftSdp.parse(OFFER);
        },
      },
    },
    {
      name: "serialize Chromium offer",
      contenders: {
        purertc: () => {
          const m = parse(OFFER);
          return () => {
            sink = serialize(m);
          };
        },
        "sdp-transform": () => {
          const m = sdpTransform.parse(OFFER);
          return () => {
            sink = sdpTransform.write(m);
          };
        },
        werift: () => {
          const m = WeriftSdp.parse(OFFER);
          return () => {
            sink = m.toSdp().sdp;
          };
        },
      },
    },
  ],
});

export const keep = (): unknown => sink;
