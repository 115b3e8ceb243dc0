/**
 * `RTCIceServer`-shaped configuration for the Node adapter: `stun:` URLs (RFC 7064) become STUN
 * servers for server-reflexive candidates, `turn:` URLs (RFC 7065) TURN relays; host names are
 * resolved here, once, when the agent is created.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { type Logger, normalizeIp, type SocketAddress } from "@purertc/common";
import type { TurnTransport } from "@purertc/turn";
import { parseTurnUri } from "@purertc/turn/node";

/** One entry of W3C `RTCConfiguration.iceServers`. */
export interface IceServerConfig {
  /** `stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]` or `turns:host[:port]`. */
  readonly urls: string | readonly string[];
  /** TURN long-term credentials (required for `turn:` / `turns:` URLs). */
  readonly username?: string;
  readonly credential?: string;
}

/** A TURN server ready for a relay client. */
export interface ResolvedTurnServer {
  readonly url: string;
  readonly server: SocketAddress;
  /** UDP, TCP (`?transport=tcp`) or TLS over TCP (`turns:`), RFC 7065 §3. */
  readonly transport: TurnTransport;
  /** The host as written in the URL (the name a TLS certificate is checked against). */
  readonly host: string;
  readonly username: string;
  readonly credential: string;
}

/** What {@link resolveIceServers} found usable. */
export interface ResolvedIceServers {
  readonly stun: SocketAddress[];
  /** TURN servers over UDP, TCP and TLS. */
  readonly turn: ResolvedTurnServer[];
}

/**
 * Parses and resolves `iceServers`. Malformed URLs and TURN entries without credentials throw
 * `TypeError` (as `RTCPeerConnection` does); unresolvable hosts and `stuns:` are skipped with a
 * warning.
 */
export async function resolveIceServers(
  servers: readonly IceServerConfig[],
  log: Logger,
): Promise<ResolvedIceServers> {
  const out: ResolvedIceServers = { stun: [], turn: [] };
  for (const s of servers) {
    for (const url of typeof s.urls === "string" ? [s.urls] : s.urls) {
      if (/^stuns:/i.test(url)) {
        log.warn("stuns: is not used for gathering; skipped", { url });
        continue;
      }
      if (/^stun:/i.test(url)) {
        const { host, port } = parseStunUrl(url);
        const address = await resolve(host, log);
        if (address) out.stun.push({ address, port });
        continue;
      }
      const u = parseTurnUri(url);
      if (typeof s.username !== "string" || typeof s.credential !== "string") {
        throw new TypeError(`iceServers: ${url} needs username and credential`);
      }
      const address = await resolve(u.host, log);
      if (!address) continue;
      out.turn.push({
        url,
        server: { address, port: u.port },
        transport: u.transport,
        host: u.host,
        username: s.username,
        credential: s.credential,
      });
    }
  }
  return out;
}

/** RFC 7064 §3.1: `stun:host[:port]` (default port 3478). */
function parseStunUrl(url: string): { host: string; port: number } {
  const m = /^stun:(\[[^\]]+\]|[^:?[\]]+)(?::(\d+))?$/i.exec(url.trim());
  const port = m?.[2] ? Number(m[2]) : 3478;
  if (!m || port < 1 || port > 65535)
    throw new TypeError(`not a stun: URL: ${JSON.stringify(url)}`);
  return { host: m[1]!.replace(/^\[|\]$/g, ""), port };
}

async function resolve(host: string, log: Logger): Promise<string | undefined> {
  if (isIP(host)) return normalizeIp(host);
  try {
    return normalizeIp((await lookup(host)).address);
  } catch (e) {
    log.warn("cannot resolve ICE server", { host, error: String(e) });
    return undefined;
  }
}
