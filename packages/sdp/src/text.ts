/** Small allocation-free text helpers shared by the line codecs. */

/** Decimal digits only, at most 15 of them; returns -1 otherwise. */
export function parseUint(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Like {@link parseUint} on `s.slice(start, end)`, without the slice. */
export function parseUintAt(s: string, start: number, end: number): number {
  const n = end - start;
  if (n <= 0 || n > 15) return -1;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Index of `c` (one character) in `s.slice(a, e)`, as an index into `s`, or -1. Uses the
 * built-in search, which is several times faster than a charCodeAt loop even though it may look
 * past `e`.
 */
export function indexIn(s: string, c: string, a: number, e: number): number {
  const i = s.indexOf(c, a);
  return i < e ? i : -1;
}

/** Tokens that recur in every WebRTC SDP, bucketed by length (see {@link intern}). */
const TOKENS: string[][] = [];
for (const t of [
  // rtcp-fb types and parameters (RFC 4585, 5104, libwebrtc)
  "nack",
  "pli",
  "ccm",
  "fir",
  "goog-remb",
  "transport-cc",
  // encoding names
  "opus",
  "red",
  "ulpfec",
  "rtx",
  "VP8",
  "VP9",
  "H264",
  "H265",
  "AV1",
  "flexfec-03",
  "telephone-event",
  "CN",
  "G722",
  "PCMU",
  "PCMA",
  // fmtp parameter names
  "apt",
  "minptime",
  "useinbandfec",
  "usedtx",
  "stereo",
  "sprop-stereo",
  "maxplaybackrate",
  "profile-id",
  "profile",
  "level-idx",
  "tier",
  "profile-level-id",
  "packetization-mode",
  "level-asymmetry-allowed",
  "repair-window",
  "max-fs",
  "max-fr",
  // ssrc attributes, candidate transports and types
  "cname",
  "msid",
  "mslabel",
  "label",
  "udp",
  "UDP",
  "tcp",
  "TCP",
  "host",
  "srflx",
  "prflx",
  "relay",
  "active",
  "passive",
  "so",
]) {
  TOKENS[t.length] ??= [];
  TOKENS[t.length]!.push(t);
}

/**
 * `s.slice(a, e)`, returning the shared constant when it is a common token: fewer allocations,
 * and property names that are already internalized.
 */
export function intern(s: string, a: number, e: number): string {
  const x = s.slice(a, e);
  const bucket = TOKENS[e - a];
  if (bucket !== undefined) {
    for (let i = 0; i < bucket.length; i++) if (bucket[i] === x) return bucket[i]!;
  }
  return x;
}

/**
 * Splits the `k=v;k=v` parameter list `s.slice(a, e)` (fmtp, rid restrictions) into an ordered
 * record. A token without `=` becomes a key with value `""`; whitespace around tokens is dropped.
 */
export function parseParams(
  s: string,
  a: number,
  e: number,
  out: Record<string, string>,
): Record<string, string> {
  let start = a;
  while (start <= e) {
    let end = indexIn(s, ";", start, e);
    if (end < 0) end = e;
    let x = start;
    let y = end;
    while (x < y && s.charCodeAt(x) === 32) x++;
    while (y > x && s.charCodeAt(y - 1) === 32) y--;
    if (x < y) {
      const eq = indexIn(s, "=", x, y);
      if (eq < 0) out[intern(s, x, y)] = "";
      else out[intern(s, x, eq)] = s.slice(eq + 1, y);
    }
    start = end + 1;
  }
  return out;
}

/** Writes a parameter record back as `k=v;k=v` (a `""` value writes the bare key). */
export function serializeParams(p: Record<string, string>): string {
  let s = "";
  for (const k in p) {
    const v = p[k]!;
    if (s !== "") s += ";";
    s += v === "" ? k : `${k}=${v}`;
  }
  return s;
}

/** Whether an object has at least one own enumerable key (no allocation). */
export function hasKeys(o: object): boolean {
  for (const _ in o) return true;
  return false;
}
