/** W3C `RTCConfiguration` (webrtc-pc §4.2.1): validation and ICE server URLs (RFC 7064, 7065). */

import { RTCCertificate } from "./certificate.js";
import { domError } from "./errors.js";
import type { DomType } from "./event-handlers.js";

export type RTCIceTransportPolicy = "all" | "relay";
export type RTCBundlePolicy = "balanced" | "max-compat" | "max-bundle";
export type RTCRtcpMuxPolicy = "require";

/** W3C `RTCIceServer`. */
export interface RTCIceServer {
  urls: string | string[];
  username?: string;
  credential?: string;
}

/** W3C `RTCConfiguration`. */
export interface RTCConfiguration {
  iceServers?: RTCIceServer[];
  iceTransportPolicy?: RTCIceTransportPolicy;
  bundlePolicy?: RTCBundlePolicy;
  rtcpMuxPolicy?: RTCRtcpMuxPolicy;
  /**
   * Certificates from `RTCPeerConnection.generateCertificate()`. Typed to take lib.dom's
   * `RTCCertificate` too (what a program compiled with lib.dom holds for ours); any other
   * object is rejected with a TypeError.
   */
  certificates?: (RTCCertificate | DomType<"RTCCertificate">)[];
  iceCandidatePoolSize?: number;
}

/** A parsed `stun:`/`stuns:`/`turn:`/`turns:` URL. */
export interface IceServerUrl {
  readonly url: string;
  readonly scheme: "stun" | "stuns" | "turn" | "turns";
  readonly host: string;
  readonly port: number;
  readonly transport: "udp" | "tcp" | undefined;
  readonly username?: string;
  readonly credential?: string;
}

/** RFC 8489 §14.3: USERNAME is under 513 bytes; webrtc-pc caps the TURN username at 509. */
const MAX_USERNAME_BYTES = 509;

/**
 * Parses an ICE server URL as webrtc-pc §4.4.1.3 ("validate an ICE server") says: a WHATWG URL
 * with a `stun`/`stuns`/`turn`/`turns` scheme and an opaque path holding `host[:port]`
 * (RFC 7064 §3.1, RFC 7065 §3.1), no fragment, a query only on TURN URLs and only
 * `transport=udp|tcp`. Anything else is a `SyntaxError` `DOMException`.
 */
export function parseIceServerUrl(url: string): IceServerUrl {
  const bad = (why: string) => domError("SyntaxError", `invalid ICE server URL ${url}: ${why}`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw bad("not a URL");
  }
  const scheme = parsed.protocol.slice(0, -1);
  if (scheme !== "stun" && scheme !== "stuns" && scheme !== "turn" && scheme !== "turns")
    throw bad("the scheme is not stun, stuns, turn or turns");
  const path = parsed.pathname;
  if (parsed.host !== "" || path.startsWith("/") || /[/@]/.test(path))
    throw bad("expected scheme:host[:port]");
  if (parsed.hash !== "") throw bad("a fragment is not allowed");
  let transport: IceServerUrl["transport"];
  if (parsed.search !== "") {
    if (scheme === "stun" || scheme === "stuns") throw bad("a stun: URL has no query");
    const m = /^\?transport=(udp|tcp)$/.exec(parsed.search);
    if (!m) throw bad("the only query is transport=udp or transport=tcp");
    transport = m[1] as "udp" | "tcp";
  }
  let hostAndPort: URL;
  try {
    hostAndPort = new URL(`https://${path}`);
  } catch {
    throw bad("invalid host or port");
  }
  if (hostAndPort.pathname !== "/" || hostAndPort.username !== "" || hostAndPort.password !== "")
    throw bad("expected scheme:host[:port]");
  const secure = scheme.endsWith("s");
  // The https: parser drops 443 as its default port; an ICE URL's default is 3478 / 5349.
  const port = hostAndPort.port
    ? Number(hostAndPort.port)
    : /:0*443$/.test(path)
      ? 443
      : secure
        ? 5349
        : 3478;
  const host = hostAndPort.hostname.replace(/^\[|\]$/g, "");
  return { url, scheme, host, port, transport };
}

/** A configuration with every member present, as {@link validateConfiguration} returns it. */
export type ValidConfiguration = Required<Omit<RTCConfiguration, "certificates">> & {
  certificates: RTCCertificate[];
};

/** Validates a configuration and returns it normalised with the parsed server URLs. */
export function validateConfiguration(c: RTCConfiguration | undefined | null): {
  config: ValidConfiguration;
  servers: IceServerUrl[];
} {
  const cfg = c ?? {};
  if (typeof cfg !== "object") throw new TypeError("RTCConfiguration must be an object");
  const servers: IceServerUrl[] = [];
  for (const s of cfg.iceServers ?? []) {
    const urls = typeof s?.urls === "string" ? [s.urls] : s?.urls;
    if (!Array.isArray(urls)) throw new TypeError("RTCIceServer.urls is required");
    if (urls.length === 0) throw domError("SyntaxError", "RTCIceServer.urls is empty");
    for (const u of urls) {
      const p = parseIceServerUrl(String(u));
      if (p.scheme.startsWith("turn")) {
        if (s.username === undefined || s.credential === undefined)
          throw domError("InvalidAccessError", `${u} needs a username and a credential`);
        if (new TextEncoder().encode(String(s.username)).byteLength > MAX_USERNAME_BYTES)
          throw domError("InvalidAccessError", `the username of ${u} is over 509 bytes`);
      }
      servers.push({
        ...p,
        ...(s.username !== undefined ? { username: s.username } : {}),
        ...(s.credential !== undefined ? { credential: s.credential } : {}),
      });
    }
  }
  const enumOf = <T extends string>(
    v: T | undefined,
    allowed: readonly T[],
    d: T,
    name: string,
  ): T => {
    if (v === undefined) return d;
    if (!allowed.includes(v)) throw new TypeError(`invalid ${name} ${String(v)}`);
    return v;
  };
  const pool = cfg.iceCandidatePoolSize ?? 0;
  if (!Number.isInteger(pool) || pool < 0 || pool > 255)
    throw new TypeError("iceCandidatePoolSize must be 0..255");
  const certificates: RTCCertificate[] = [];
  for (const cert of cfg.certificates ?? []) {
    if (!(cert instanceof RTCCertificate))
      throw new TypeError("certificates must come from RTCPeerConnection.generateCertificate()");
    if (cert.expires <= Date.now()) throw domError("InvalidAccessError", "certificate expired");
    certificates.push(cert);
  }
  return {
    config: {
      iceServers: (cfg.iceServers ?? []).map((s) => ({ ...s })),
      iceTransportPolicy: enumOf(
        cfg.iceTransportPolicy,
        ["all", "relay"],
        "all",
        "iceTransportPolicy",
      ),
      bundlePolicy: enumOf(
        cfg.bundlePolicy,
        ["balanced", "max-compat", "max-bundle"],
        "balanced",
        "bundlePolicy",
      ),
      rtcpMuxPolicy: enumOf(cfg.rtcpMuxPolicy, ["require"], "require", "rtcpMuxPolicy"),
      certificates,
      iceCandidatePoolSize: pool,
    },
    servers,
  };
}

/**
 * webrtc-pc §4.4.1.6 "set a configuration" on an existing connection: validates `next` and
 * rejects changes to the members fixed at construction (certificates, bundlePolicy,
 * rtcpMuxPolicy; iceCandidatePoolSize once a local description is set).
 */
export function reconfigure(
  current: ValidConfiguration,
  certificate: RTCCertificate,
  next: RTCConfiguration | undefined,
  hasLocalDescription: boolean,
): { config: ValidConfiguration; servers: IceServerUrl[] } {
  const v = validateConfiguration(next);
  const c = next ?? {};
  if (c.certificates && (c.certificates.length !== 1 || c.certificates[0] !== certificate))
    throw domError("InvalidModificationError", "certificates cannot change");
  if (v.config.bundlePolicy !== current.bundlePolicy)
    throw domError("InvalidModificationError", "bundlePolicy cannot change");
  if (v.config.rtcpMuxPolicy !== current.rtcpMuxPolicy)
    throw domError("InvalidModificationError", "rtcpMuxPolicy cannot change");
  if (v.config.iceCandidatePoolSize !== current.iceCandidatePoolSize && hasLocalDescription)
    throw domError(
      "InvalidModificationError",
      "iceCandidatePoolSize cannot change after setLocalDescription",
    );
  return { config: { ...v.config, certificates: [certificate] }, servers: v.servers };
}
