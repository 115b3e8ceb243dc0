/**
 * Codecs for the session and transport lines of RFC 8866 and the JSEP attributes.
 * Every `parseX` takes the text after `x=` or `a=name:` and returns `undefined` when malformed
 * (the caller raises the DecodeError with the line number); every `renderX` returns the full line.
 */
import type {
  Bandwidth,
  Connection,
  Direction,
  Fingerprint,
  Group,
  Msid,
  MsidSemantic,
  Origin,
  Rtcp,
  Setup,
  Timing,
} from "./model.js";
import { parseUint, parseUintAt } from "./text.js";

/** The `m=` line fields (RFC 8866 §5.14): `m=<media> <port>[/<number>] <proto> <fmt> ...`. */
export interface MediaLine {
  kind: string;
  port: number;
  portCount: number | undefined;
  protocol: string;
  formats: string[];
}

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (§5.2). */
export function parseOrigin(v: string): Origin | undefined {
  // Six non-empty space-separated tokens: five single spaces, none first, last or doubled.
  const a = v.indexOf(" ");
  const b = a <= 0 ? -1 : v.indexOf(" ", a + 1);
  const c = b <= a + 1 ? -1 : v.indexOf(" ", b + 1);
  const d = c <= b + 1 ? -1 : v.indexOf(" ", c + 1);
  const e = d <= c + 1 ? -1 : v.indexOf(" ", d + 1);
  if (e <= d + 1 || e === v.length - 1 || v.indexOf(" ", e + 1) >= 0) return undefined;
  return {
    username: v.slice(0, a),
    sessionId: v.slice(a + 1, b),
    sessionVersion: v.slice(b + 1, c),
    netType: v.slice(c + 1, d),
    addressType: v.slice(d + 1, e),
    address: v.slice(e + 1),
  };
}

export function renderOrigin(o: Origin): string {
  return `o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addressType} ${o.address}`;
}

/** `c=<nettype> <addrtype> <connection-address>` (§5.7). */
export function parseConnection(v: string): Connection | undefined {
  const i = v.indexOf(" ");
  const j = i < 0 ? -1 : v.indexOf(" ", i + 1);
  // Three non-empty space-separated tokens.
  if (i <= 0 || j <= i + 1 || j === v.length - 1 || v.indexOf(" ", j + 1) >= 0) return undefined;
  return { netType: v.slice(0, i), addressType: v.slice(i + 1, j), address: v.slice(j + 1) };
}

export function renderConnection(c: Connection): string {
  return `c=${c.netType} ${c.addressType} ${c.address}`;
}

/** `b=<bwtype>:<bandwidth>` (§5.8). */
export function parseBandwidth(v: string): Bandwidth | undefined {
  const i = v.indexOf(":");
  if (i <= 0) return undefined;
  const value = parseUint(v.slice(i + 1));
  return value < 0 ? undefined : { type: v.slice(0, i), value };
}

export function renderBandwidth(b: Bandwidth): string {
  return `b=${b.type}:${b.value}`;
}

/** `t=<start-time> <stop-time>` (§5.9). */
export function parseTiming(v: string): Timing | undefined {
  const i = v.indexOf(" ");
  if (i < 0) return undefined;
  const start = parseUint(v.slice(0, i));
  const stop = parseUint(v.slice(i + 1));
  return start < 0 || stop < 0 ? undefined : { start, stop };
}

export function renderTiming(t: Timing): string {
  return `t=${t.start} ${t.stop}`;
}

export function parseMediaLine(v: string): MediaLine | undefined {
  const t = v.split(" ");
  if (t.length < 3 || t[0] === "" || t[2] === "") return undefined;
  const p = t[1]!;
  const slash = p.indexOf("/");
  const port = parseUint(slash < 0 ? p : p.slice(0, slash));
  if (port < 0 || port > 65535) return undefined;
  let portCount: number | undefined;
  if (slash >= 0) {
    portCount = parseUint(p.slice(slash + 1));
    if (portCount < 0) return undefined;
  }
  const formats = t.slice(3);
  for (const f of formats) if (f === "") return undefined;
  return { kind: t[0]!, port, portCount, protocol: t[2]!, formats };
}

export function renderMediaLine(
  kind: string,
  port: number,
  portCount: number | undefined,
  protocol: string,
  formats: string,
): string {
  const pc = portCount === undefined ? "" : `/${portCount}`;
  return `m=${kind} ${port}${pc} ${protocol}${formats}`;
}

/** `a=group:<semantics> *(SP <identification-tag>)` (RFC 5888 §5). */
export function parseGroup(v: string): Group | undefined {
  const t = v.split(" ");
  if (t[0] === "") return undefined;
  const mids = t.slice(1);
  for (const m of mids) if (m === "") return undefined;
  return { semantics: t[0]!, mids };
}

export function renderGroup(g: Group): string {
  return g.mids.length === 0
    ? `a=group:${g.semantics}`
    : `a=group:${g.semantics} ${g.mids.join(" ")}`;
}

/** `a=fingerprint:<hash-func> SP <fingerprint>` (RFC 8122 §5). */
export function parseFingerprint(v: string): Fingerprint | undefined {
  const i = v.indexOf(" ");
  if (i <= 0 || i === v.length - 1) return undefined;
  return { algorithm: v.slice(0, i), value: v.slice(i + 1) };
}

export function renderFingerprint(f: Fingerprint): string {
  return `a=fingerprint:${f.algorithm} ${f.value}`;
}

/** `a=msid-semantic:` `[SP] <semantic> *(SP <stream id>)`; Chrome writes a space after the colon. */
export function parseMsidSemantic(v: string): MsidSemantic | undefined {
  const t = v.trim().split(" ");
  if (t[0] === "") return undefined;
  return { semantic: t[0]!, streams: t.slice(1).filter((x) => x !== "") };
}

export function renderMsidSemantic(m: MsidSemantic): string {
  const s = m.streams.length === 0 ? "" : ` ${m.streams.join(" ")}`;
  return `a=msid-semantic:${m.semantic}${s}`;
}

/** `a=msid:<stream id> [SP <track id>]` (RFC 8830 §2). */
export function parseMsid(v: string): Msid | undefined {
  const i = v.indexOf(" ");
  if (i === 0 || v === "") return undefined;
  if (i < 0) return { stream: v, track: undefined };
  return { stream: v.slice(0, i), track: v.slice(i + 1) };
}

export function renderMsid(m: Msid): string {
  return m.track === undefined ? `a=msid:${m.stream}` : `a=msid:${m.stream} ${m.track}`;
}

/** `a=rtcp:<port> [<nettype> <addrtype> <connection-address>]` (RFC 3605 §2.1). */
export function parseRtcp(v: string): Rtcp | undefined {
  const i = v.indexOf(" ");
  const port = parseUintAt(v, 0, i < 0 ? v.length : i);
  if (port < 0 || port > 65535) return undefined;
  if (i < 0) return { port };
  // Exactly three more space-separated tokens (empty ones allowed, as split would give).
  const j = v.indexOf(" ", i + 1);
  const k = j < 0 ? -1 : v.indexOf(" ", j + 1);
  if (k < 0 || v.indexOf(" ", k + 1) >= 0) return undefined;
  return {
    port,
    netType: v.slice(i + 1, j),
    addressType: v.slice(j + 1, k),
    address: v.slice(k + 1),
  };
}

export function renderRtcp(r: Rtcp): string {
  if (r.netType === undefined) return `a=rtcp:${r.port}`;
  return `a=rtcp:${r.port} ${r.netType} ${r.addressType} ${r.address}`;
}

export function isDirection(s: string): s is Direction {
  return s === "sendrecv" || s === "sendonly" || s === "recvonly" || s === "inactive";
}

export function isSetup(s: string): s is Setup {
  return s === "actpass" || s === "active" || s === "passive" || s === "holdconn";
}

/** `a=ice-options:<option> *(SP <option>)` (RFC 8839 §5.6). */
export function parseIceOptions(v: string): string[] {
  if (v.indexOf(" ") < 0) return v === "" ? [] : [v]; // the usual single `trickle`
  return v.split(" ").filter((x) => x !== "");
}
