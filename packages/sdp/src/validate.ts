/**
 * `validate(model)`: what JSEP (RFC 8829 §5.8) and the specs it leans on require of a WebRTC
 * description and what is missing, each issue with the line it concerns (for parsed models).
 */
import { K, kindOf, LAYOUT, type Layout } from "./layout.js";
import {
  type Direction,
  isRtpProtocol,
  type MediaSection,
  type SessionDescription,
} from "./model.js";

/** One finding. `line` is 1-based, present when the model came from {@link parse}. */
export interface SdpIssue {
  severity: "error" | "warning";
  /** Stable machine-readable reason, e.g. `missing-fingerprint`. */
  code: string;
  message: string;
  /** Index of the media section, absent for session-level issues. */
  media?: number;
  line?: number;
}

/** RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/". */
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;

function lineOf(sec: object, kind?: number, item?: object): number | undefined {
  const layout = (sec as { [LAYOUT]?: Layout })[LAYOUT];
  if (layout === undefined || layout.meta.length === 0) return undefined;
  const { meta, items } = layout;
  for (let i = 0; i < meta.length; i++) {
    if (
      kind === undefined ||
      (kindOf(meta[i]!) === kind && (item === undefined || items[i] === item))
    )
      return layout.lineNumber(i);
  }
  return layout.lineNumber(0);
}

function isDtls(protocol: string): boolean {
  return protocol.includes("TLS") || protocol.includes("DTLS");
}

function sends(d: Direction | undefined): boolean {
  return d === undefined || d === "sendrecv" || d === "sendonly";
}

/** Reports JSEP requirements the description does not meet. An empty array means none found. */
export function validate(sdp: SessionDescription): SdpIssue[] {
  const issues: SdpIssue[] = [];
  const add = (
    severity: SdpIssue["severity"],
    code: string,
    message: string,
    media?: number,
    line?: number,
  ) => {
    issues.push({ severity, code, message, media, line });
  };
  if (sdp.version !== 0)
    add("error", "bad-version", "v= must be 0 (RFC 8866 §5.1)", undefined, lineOf(sdp, K.VERSION));
  if (sdp.timing.length === 0)
    add(
      "error",
      "missing-timing",
      "t= is required (RFC 8866 §5.9)",
      undefined,
      lineOf(sdp, K.ORIGIN),
    );
  const mids = new Map<string, number>();
  sdp.media.forEach((m, i) => {
    const at = lineOf(m);
    if (m.mid === undefined)
      add("error", "missing-mid", "every m= section needs a=mid (RFC 8829 §5.2.1)", i, at);
    else if (mids.has(m.mid))
      add(
        "error",
        "duplicate-mid",
        `mid "${m.mid}" is used twice (RFC 5888 §4)`,
        i,
        lineOf(m, K.MID),
      );
    else mids.set(m.mid, i);
    if (m.port === 0 && !m.bundleOnly) return; // rejected: no transport needed
    checkTransport(sdp, m, i, at, add);
    if (isRtpProtocol(m.protocol)) checkRtp(m, i, at, add);
    else if (m.protocol.endsWith("SCTP") && m.sctpPort === undefined) {
      add("error", "missing-sctp-port", "data section without a=sctp-port (RFC 8841 §5.2)", i, at);
    }
  });
  for (const g of sdp.groups) {
    const gl = lineOf(sdp, K.GROUP, g);
    for (const mid of g.mids) {
      if (!mids.has(mid))
        add(
          "error",
          "unknown-group-mid",
          `a=group:${g.semantics} names unknown mid "${mid}"`,
          undefined,
          gl,
        );
    }
  }
  const bundled = new Set(
    sdp.groups.filter((g) => g.semantics === "BUNDLE").flatMap((g) => g.mids),
  );
  sdp.media.forEach((m, i) => {
    if (m.bundleOnly && (m.mid === undefined || !bundled.has(m.mid))) {
      add(
        "error",
        "bundle-only-unbundled",
        "a=bundle-only section is not in a BUNDLE group (RFC 8843 §6)",
        i,
        lineOf(m, K.BUNDLE_ONLY),
      );
    }
  });
  return issues;
}

type Add = (
  severity: SdpIssue["severity"],
  code: string,
  message: string,
  media?: number,
  line?: number,
) => void;

function checkTransport(
  sdp: SessionDescription,
  m: MediaSection,
  i: number,
  at: number | undefined,
  add: Add,
): void {
  const ufrag = m.iceUfrag ?? sdp.iceUfrag;
  const pwd = m.icePwd ?? sdp.icePwd;
  if (ufrag === undefined)
    add("error", "missing-ice-ufrag", "no a=ice-ufrag (RFC 8839 §5.4)", i, at);
  else if (ufrag.length < 4 || ufrag.length > 256 || !ICE_CHARS.test(ufrag)) {
    add(
      "error",
      "bad-ice-ufrag",
      "ice-ufrag must be 4-256 ice-chars (RFC 8839 §5.4)",
      i,
      lineOf(m, K.ICE_UFRAG) ?? at,
    );
  }
  if (pwd === undefined) add("error", "missing-ice-pwd", "no a=ice-pwd (RFC 8839 §5.4)", i, at);
  else if (pwd.length < 22 || pwd.length > 256 || !ICE_CHARS.test(pwd)) {
    add(
      "error",
      "bad-ice-pwd",
      "ice-pwd must be 22-256 ice-chars (RFC 8839 §5.4)",
      i,
      lineOf(m, K.ICE_PWD) ?? at,
    );
  }
  if (isDtls(m.protocol)) {
    if (m.fingerprints.length === 0 && sdp.fingerprints.length === 0) {
      add(
        "error",
        "missing-fingerprint",
        "DTLS section without a=fingerprint (RFC 8122 §5)",
        i,
        at,
      );
    }
    const setup = m.setup ?? sdp.setup;
    if (setup === undefined)
      add("error", "missing-setup", "DTLS section without a=setup (RFC 8842 §5.2)", i, at);
    else if (setup === "holdconn")
      add(
        "error",
        "bad-setup",
        "a=setup:holdconn is not allowed (RFC 8842 §5.1)",
        i,
        lineOf(m, K.SETUP),
      );
  }
}

function checkRtp(m: MediaSection, i: number, at: number | undefined, add: Add): void {
  if (m.codecs.length === 0) add("error", "no-codecs", "RTP section without payload types", i, at);
  if (!m.rtcpMux)
    add("warning", "missing-rtcp-mux", "RTP section without a=rtcp-mux (RFC 8829 §5.2.1)", i, at);
  const pts = new Set(m.codecs.map((c) => c.payloadType));
  for (const c of m.codecs) {
    if (c.name === "") {
      add(
        "error",
        "missing-rtpmap",
        `payload type ${c.payloadType} has no a=rtpmap (RFC 8866 §6.6)`,
        i,
        at,
      );
    }
    if (c.name.toLowerCase() === "rtx" && !pts.has(Number(c.parameters.apt))) {
      add(
        "error",
        "bad-rtx-apt",
        `rtx ${c.payloadType} apt=${c.parameters.apt} names no codec (RFC 4588 §8.6)`,
        i,
        lineOf(m, K.FMTP, c) ?? at,
      );
    }
  }
  const ids = new Set<number>();
  for (const e of m.extmaps) {
    const el = lineOf(m, K.EXTMAP, e) ?? at;
    if (ids.has(e.id))
      add("error", "duplicate-extmap", `extmap id ${e.id} used twice (RFC 8285 §5)`, i, el);
    ids.add(e.id);
    if (e.id < 1 || e.id > 255 || (e.id > 14 && !m.extmapAllowMixed)) {
      add(
        "warning",
        "extmap-id-range",
        `extmap id ${e.id} needs two-byte headers (RFC 8285 §4.3)`,
        i,
        el,
      );
    }
  }
  const ssrcs = new Set(m.ssrcs.map((s) => s.ssrc));
  for (const g of m.ssrcGroups) {
    for (const s of g.ssrcs) {
      if (!ssrcs.has(s))
        add(
          "warning",
          "ssrc-group-unknown",
          `ssrc-group ${g.semantics} names ssrc ${s} without a=ssrc (RFC 5576 §4.2)`,
          i,
          lineOf(m, K.SSRC_GROUP, g) ?? at,
        );
    }
  }
  if (m.simulcast !== undefined) {
    const sl = lineOf(m, K.SIMULCAST) ?? at;
    for (const [dir, list] of [
      ["send", m.simulcast.send],
      ["recv", m.simulcast.recv],
    ] as const) {
      for (const alts of list ?? []) {
        for (const a of alts) {
          if (!m.rids.some((r) => r.id === a.rid && r.direction === dir)) {
            add(
              "error",
              "simulcast-unknown-rid",
              `simulcast ${dir} rid "${a.rid}" has no a=rid:${a.rid} ${dir} (RFC 8853 §5.1)`,
              i,
              sl,
            );
          }
        }
      }
    }
  }
  if (sends(m.direction) && m.msids.length === 0 && m.ssrcs.every((s) => s.attribute !== "msid")) {
    add("warning", "missing-msid", "sending RTP section without a=msid (RFC 8830 §2)", i, at);
  }
}
