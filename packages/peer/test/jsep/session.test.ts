import { parse } from "@purertc/sdp";
import { describe, expect, it } from "vitest";
import { JsepSession } from "../../src/index.js";
import { init, opus } from "./fixtures.js";

describe("JsepSession re-offers", () => {
  it("keep the bundle-tagged data section first in a=group:BUNDLE when media is added (RFC 8843 §7.2.1)", () => {
    const a = new JsepSession("1");
    const b = new JsepSession("2");
    const offer = a.createOffer(init("aaaa"), true);
    a.setLocal("offer", offer);
    b.setRemote("offer", offer);
    const answer = b.createAnswer(init("bbbb"));
    b.setLocal("answer", answer);
    a.setRemote("answer", answer);

    const reOffer = parse(
      a.createOffer(init("aaaa"), true, [
        { kind: "audio", mid: "1", direction: "sendrecv", codecs: [opus] },
      ]),
    );
    expect(reOffer.media.map((m) => m.mid)).toEqual(["0", "1"]);
    expect(reOffer.groups.find((g) => g.semantics === "BUNDLE")?.mids).toEqual(["0", "1"]);
  });
});
