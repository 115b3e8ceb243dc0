/**
 * H.264 `profile-level-id` level negotiation (RFC 6184 §8.1, §8.2.2). The parameter is three
 * bytes, `profile_idc`, `profile-iop` (constraint_set0..5 flags) and `level_idc` (Table 6:
 * `level_idc` is ten times the level, and level 1b is `level_idc` 11 with constraint_set3 in the
 * Baseline, Constrained Baseline, Main and Extended profiles, or `level_idc` 9).
 *
 * §8.2.2: the answer keeps the offer's profile; without `level-asymmetry-allowed=1` on both sides
 * each side then sends and receives at the lower of the two levels, so the answer carries the
 * minimum; with it on both, the answerer states the level it can receive, independently.
 */
import type { Codec } from "@purertc/sdp";

/** The three fields of a `profile-level-id`. */
export interface ProfileLevelId {
  readonly profileIdc: number;
  readonly profileIop: number;
  readonly levelIdc: number;
}

/** RFC 6184 §8.1: "If the profile-level-id parameter is not present, ... 42000A" (Baseline, 1.0). */
const DEFAULT_PROFILE_LEVEL_ID = "42000a";
/** constraint_set3_flag in profile-iop. */
const CONSTRAINT_SET3 = 0x10;

/** Parses six hex digits; `undefined` when malformed. */
export function parseProfileLevelId(hex: string | undefined): ProfileLevelId | undefined {
  const s = hex ?? DEFAULT_PROFILE_LEVEL_ID;
  if (!/^[0-9a-fA-F]{6}$/.test(s)) return undefined;
  const v = Number.parseInt(s, 16);
  return { profileIdc: v >>> 16, profileIop: (v >>> 8) & 0xff, levelIdc: v & 0xff };
}

/** Six lowercase hex digits. */
export function formatProfileLevelId(p: ProfileLevelId): string {
  return ((p.profileIdc << 16) | (p.profileIop << 8) | p.levelIdc).toString(16).padStart(6, "0");
}

function isLevel1b(p: ProfileLevelId): boolean {
  if (p.levelIdc === 9) return true;
  // Baseline (66), Main (77), Extended (88) signal 1b as level_idc 11 + constraint_set3.
  return (
    p.levelIdc === 11 &&
    (p.profileIop & CONSTRAINT_SET3) !== 0 &&
    (p.profileIdc === 66 || p.profileIdc === 77 || p.profileIdc === 88)
  );
}

/** A number that orders levels (1b between 1.0 and 1.1). */
export function levelOrder(p: ProfileLevelId): number {
  return isLevel1b(p) ? 10.5 : p.levelIdc;
}

/** `p` at the level of `other` (level 1b kept as the profile spells it). */
function withLevelOf(p: ProfileLevelId, other: ProfileLevelId): ProfileLevelId {
  if (!isLevel1b(other)) {
    const iop = p.levelIdc === 11 && isLevel1b(p) ? p.profileIop & ~CONSTRAINT_SET3 : p.profileIop;
    return { ...p, profileIop: iop, levelIdc: other.levelIdc };
  }
  const classic = p.profileIdc === 66 || p.profileIdc === 77 || p.profileIdc === 88;
  return classic
    ? { ...p, profileIop: p.profileIop | CONSTRAINT_SET3, levelIdc: 11 }
    : { ...p, levelIdc: 9 };
}

const asymmetry = (c: Codec) => c.parameters["level-asymmetry-allowed"] === "1";

/**
 * Our H.264 codec as it goes into an answer to `offered` (same profile and packetization mode):
 * the lower level unless both allow level asymmetry (RFC 6184 §8.2.2). Other codecs unchanged.
 */
export function answerH264Level(local: Codec, offered: Codec): Codec {
  if (local.name.toLowerCase() !== "h264" || offered.name.toLowerCase() !== "h264") return local;
  const mine = parseProfileLevelId(local.parameters["profile-level-id"]);
  const theirs = parseProfileLevelId(offered.parameters["profile-level-id"]);
  if (!mine || !theirs) return local;
  if (asymmetry(local) && asymmetry(offered)) return local;
  if (levelOrder(theirs) >= levelOrder(mine)) return local;
  return {
    ...local,
    parameters: {
      ...local.parameters,
      "profile-level-id": formatProfileLevelId(withLevelOf(mine, theirs)),
    },
  };
}

/** Same profile (profile_idc and the iop bits but constraint_set3, RFC 6184 §8.1) and mode. */
function sameH264(a: Codec, b: Codec): boolean {
  const pa = parseProfileLevelId(a.parameters["profile-level-id"]);
  const pb = parseProfileLevelId(b.parameters["profile-level-id"]);
  if (!pa || !pb) return false;
  const mode = (c: Codec) => c.parameters["packetization-mode"] ?? "0";
  return (
    pa.profileIdc === pb.profileIdc &&
    (pa.profileIop & ~CONSTRAINT_SET3) === (pb.profileIop & ~CONSTRAINT_SET3) &&
    mode(a) === mode(b)
  );
}

/**
 * Our codecs for an answer to `offered` (the offer's codecs of one m= section): each H.264 entry
 * at the level §8.2.2 gives against the first offered H.264 codec of its profile and mode.
 */
export function answerCodecLevels(local: readonly Codec[], offered: readonly Codec[]): Codec[] {
  return local.map((l) => {
    if (l.name.toLowerCase() !== "h264") return l;
    const o = offered.find((x) => x.name.toLowerCase() === "h264" && sameH264(l, x));
    return o ? answerH264Level(l, o) : l;
  });
}
