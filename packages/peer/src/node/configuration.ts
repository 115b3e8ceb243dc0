/** W3C `RTCConfiguration` (webrtc-pc §4.2.1): validation and ICE server URLs (RFC 7064, 7065). */

import type { RTCCertificate } from "./certificate.js";
import { domError } from "./errors.js";

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
  certificates?: RTCCertificate[];
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

const URL_RE =
  /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^:?\s[\]]+)(?::(\d{1,5}))?(?:\?transport=(udp|tcp))?$/;

/** RFC 7064 §3.1 / RFC 7065 §3.1 URLs; `SyntaxError` for anything else (webrtc-pc §4.4.1.4). */
export function parseIceServerUrl(url: string): IceServerUrl {
  const m = URL_RE.exec(url.trim());
  if (!m) throw domError("SyntaxError", `invalid ICE server URL ${url}`);
  const scheme = m[1] as IceServerUrl["scheme"];
  if (m[4] !== undefined && scheme.startsWith("stun"))
    throw domError("SyntaxError", `a stun: URL has no transport: ${url}`);
  const secure = scheme.endsWith("s");
  const port = m[3] !== undefined ? Number(m[3]) : secure ? 5349 : 3478;
  if (port < 1 || port > 65535) throw domError("SyntaxError", `invalid port in ${url}`);
  let host = m[2]!;
  if (host.startsWith("[")) host = host.slice(1, -1);
  return { url, scheme, host, port, transport: m[4] as "udp" | "tcp" | undefined };
}

/** Validates a configuration and returns it normalised with the parsed server URLs. */
export function validateConfiguration(c: RTCConfiguration | undefined | null): {
  config: Required<Omit<RTCConfiguration, "certificates">> & { certificates: RTCCertificate[] };
  servers: IceServerUrl[];
} {
  const cfg = c ?? {};
  if (typeof cfg !== "object") throw new TypeError("RTCConfiguration must be an object");
  const servers: IceServerUrl[] = [];
  for (const s of cfg.iceServers ?? []) {
    const urls = typeof s?.urls === "string" ? [s.urls] : s?.urls;
    if (!Array.isArray(urls)) throw new TypeError("RTCIceServer.urls is required");
    for (const u of urls) {
      const p = parseIceServerUrl(String(u));
      if (p.scheme.startsWith("turn") && (s.username === undefined || s.credential === undefined))
        throw domError("InvalidAccessError", `${u} needs a username and a credential`);
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
  const certificates = cfg.certificates ?? [];
  for (const cert of certificates)
    if (cert.expires <= Date.now()) throw domError("InvalidAccessError", "certificate expired");
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
