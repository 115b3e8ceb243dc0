import { listFixtures, readTextFixture } from "@purertc/testkit/node";
import { describe, expect, it } from "vitest";
import { parse, validate } from "../src/index.js";

const CHROME = readTextFixture("sdp", "chromium-av-data-offer.sdp");
const lineNo = (text: string, prefix: string) =>
  text.split("\r\n").findIndex((l) => l.startsWith(prefix)) + 1;

describe("validate: JSEP requirements, with line numbers", () => {
  for (const name of listFixtures("sdp").filter((n) => n.endsWith(".sdp"))) {
    it(`${name}: a real browser description has no errors`, () => {
      expect(
        validate(parse(readTextFixture("sdp", name))).filter((i) => i.severity === "error"),
      ).toEqual([]);
    });
  }

  it("BUNDLE group naming an unknown mid is reported at the a=group line", () => {
    const text = CHROME.replace("a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1 2 9");
    const issues = validate(parse(text));
    expect(issues).toContainEqual(
      expect.objectContaining({ code: "unknown-group-mid", line: lineNo(text, "a=group:") }),
    );
  });

  it("no fingerprint / no ice-ufrag in a section is reported at its m= line", () => {
    const sdp = parse(CHROME);
    sdp.media[1]!.fingerprints = [];
    sdp.media[2]!.iceUfrag = undefined;
    const issues = validate(sdp);
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "missing-fingerprint",
        media: 1,
        line: lineNo(CHROME, "m=video"),
      }),
    );
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "missing-ice-ufrag",
        media: 2,
        line: lineNo(CHROME, "m=application"),
      }),
    );
  });

  it("duplicate mid, rtx without its codec, simulcast rid without a=rid, holdconn", () => {
    const sdp = parse(CHROME);
    sdp.media[1]!.mid = "0";
    sdp.media[1]!.codecs = sdp.media[1]!.codecs.filter((c) => c.payloadType !== 96);
    sdp.media[1]!.simulcast = { send: [[{ rid: "x", paused: false }]] };
    sdp.media[0]!.setup = "holdconn";
    const codes = validate(sdp).map((i) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining([
        "duplicate-mid",
        "bad-rtx-apt",
        "simulcast-unknown-rid",
        "bad-setup",
      ]),
    );
    const rtx = validate(sdp).find((i) => i.code === "bad-rtx-apt");
    expect(rtx?.line).toBe(lineNo(CHROME, "a=fmtp:97 apt=96"));
  });

  it("short ice-pwd and a missing a=mid", () => {
    const sdp = parse(CHROME);
    sdp.media[0]!.icePwd = "short";
    sdp.media[0]!.mid = undefined;
    const codes = validate(sdp).map((i) => i.code);
    expect(codes).toEqual(
      expect.arrayContaining(["bad-ice-pwd", "missing-mid", "unknown-group-mid"]),
    );
  });
});
