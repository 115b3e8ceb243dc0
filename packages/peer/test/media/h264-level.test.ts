import { describe, expect, it } from "vitest";
import { defaultCodecs } from "../../src/index.js";
import {
  answerCodecLevels,
  answerH264Level,
  levelOrder,
  parseProfileLevelId,
} from "../../src/media/h264-level.js";

const h264 = (pli: string | undefined, asym: boolean, mode = "1") => ({
  payloadType: 100,
  name: "H264",
  clockRate: 90000,
  parameters: {
    ...(asym ? { "level-asymmetry-allowed": "1" } : {}),
    "packetization-mode": mode,
    ...(pli === undefined ? {} : { "profile-level-id": pli }),
  },
  feedback: [],
});
const level = (c: { parameters: Record<string, string> }) => c.parameters["profile-level-id"];

describe("H.264 profile-level-id levels (RFC 6184 §8.1, §8.2.2)", () => {
  it("§8.1: fields, default 42000a, level 1b as level_idc 11 + constraint_set3 or level_idc 9", () => {
    expect(parseProfileLevelId("42e01f")).toEqual({
      profileIdc: 66,
      profileIop: 0xe0,
      levelIdc: 31,
    });
    expect(parseProfileLevelId(undefined)).toEqual({ profileIdc: 66, profileIop: 0, levelIdc: 10 });
    expect(parseProfileLevelId("xyz")).toBeUndefined();
    expect(levelOrder(parseProfileLevelId("42f00b")!)).toBe(10.5); // Constrained Baseline 1b
    expect(levelOrder(parseProfileLevelId("42e00b")!)).toBe(11); // 1.1
    expect(levelOrder(parseProfileLevelId("640009")!)).toBe(10.5); // High 1b
  });

  it("§8.2.2 without level-asymmetry-allowed on both sides the answer takes the lower level", () => {
    expect(level(answerH264Level(h264("42e01f", true), h264("42e00b", false)))).toBe("42e00b");
    expect(level(answerH264Level(h264("42e01f", false), h264("42e015", true)))).toBe("42e015");
    // A higher offered level: we answer ours.
    expect(level(answerH264Level(h264("42e01f", false), h264("42e033", false)))).toBe("42e01f");
    // Level 1b offered to a Baseline answerer: constraint_set3 set, level_idc 11.
    expect(level(answerH264Level(h264("42e01f", false), h264("42f00b", false)))).toBe("42f00b");
  });

  it("§8.2.2 with level-asymmetry-allowed=1 on both sides the answerer keeps its own level", () => {
    expect(level(answerH264Level(h264("42e01f", true), h264("42e00b", true)))).toBe("42e01f");
  });

  it("answer codec lists: only H.264 of the same profile and mode is adjusted", () => {
    const ours = defaultCodecs("video");
    const got = answerCodecLevels(ours, [h264("42e00c", false, "1"), h264("42001f", true, "0")]);
    const byPt = new Map(got.map((c) => [c.payloadType, c]));
    expect(level(byPt.get(100)!)).toBe("42e00c"); // 42e0 mode 1: lowered
    expect(level(byPt.get(102)!)).toBe("42e01f"); // 42e0 mode 0: not offered
    expect(level(byPt.get(104)!)).toBe("42001f"); // 4200 mode 1: not offered in mode 1
    expect(byPt.get(96)).toBe(ours.find((c) => c.payloadType === 96));
  });
});
