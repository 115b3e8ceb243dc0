import { seededRng } from "@purertc/common";
import {
  buildAnswer,
  buildOffer,
  hasCryptex,
  type MediaInit,
  parse,
  serialize,
} from "@purertc/sdp";
import { describe, expect, it } from "vitest";
import { defaultCodecs } from "../../src/media/codecs.js";
import { allCryptex, negotiatedCryptex } from "../../src/node/media/cryptex-negotiation.js";
import { MediaController, type MediaHost } from "../../src/node/media/media-controller.js";
import type { RTCDtlsTransport } from "../../src/node/transports.js";

const TRANSPORT = {
  iceUfrag: "ufrag",
  icePwd: "abcdefghijklmnopqrstuv",
  fingerprints: [{ algorithm: "sha-256", value: "00" }],
  sessionId: "1",
};

function controller(cryptex: boolean | undefined): MediaController {
  const host: MediaHost = {
    core: () => undefined,
    now: () => 0,
    pump: () => {},
    queue: () => {},
    changed: () => {},
    dispatchTrack: () => {},
    stats: () => Promise.reject(new Error("no stats here")),
    dtlsTransport: {} as RTCDtlsTransport,
    rng: seededRng(1),
    ...(cryptex === undefined ? {} : { cryptex }),
  };
  return new MediaController(host, "cname");
}

const offerOf = (media: MediaInit[]) => parse(serialize(buildOffer({ ...TRANSPORT, media })));

describe("cryptex negotiation of the W3C layer (RFC 9335, TRANSPORT mux category)", () => {
  it("asked: every RTP section of our offer carries a=cryptex; not asked: none", () => {
    for (const want of [true, false, undefined]) {
      const c = controller(want);
      c.addTransceiver("video");
      c.addTransceiver("audio");
      const offer = offerOf(c.offerMedia(new Set()));
      expect(offer.media.map(hasCryptex)).toEqual(want ? [true, true] : [false, false]);
      expect(allCryptex(offer)).toBe(want === true);
    }
  });

  it("answers with a=cryptex only when asked and the whole bundle offered it", () => {
    const base = (cryptex: boolean[]): MediaInit[] =>
      cryptex.map((on, i) => ({
        kind: i === 0 ? "video" : "audio",
        mid: String(i),
        codecs: [],
        ...(on ? { cryptex: true } : {}),
      }));
    const answer = (c: MediaController, flags: boolean[]) => {
      const offer = offerOf(base(flags));
      c.remoteApplied("offer", offer);
      const opts = c.answerOptions(offer);
      return Object.values(opts.media ?? {}).map((m) => m.cryptex === true);
    };
    expect(answer(controller(true), [true, true])).toEqual([true, true]);
    // All or none in a BUNDLE group: a partial offer is answered without it.
    expect(answer(controller(true), [true, false])).toEqual([false, false]);
    expect(answer(controller(false), [true, true])).toEqual([false, false]);
  });

  it("on only when both descriptions carry it on every used RTP section", () => {
    const media: MediaInit[] = [
      { kind: "video", mid: "0", codecs: defaultCodecs("video"), cryptex: true },
      { kind: "audio", mid: "1", codecs: defaultCodecs("audio"), cryptex: true },
    ];
    const offer = offerOf(media);
    const yes = buildAnswer(offer, {
      ...TRANSPORT,
      media: { "0": { cryptex: true }, "1": { cryptex: true } },
    });
    const no = buildAnswer(offer, { ...TRANSPORT, media: {} });
    expect(negotiatedCryptex(offer, yes)).toBe(true);
    expect(negotiatedCryptex(offer, no)).toBe(false);
    expect(negotiatedCryptex(offerOf([]), offerOf([]))).toBe(false);
  });
});
