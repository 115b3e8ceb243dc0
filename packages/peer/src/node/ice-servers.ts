/**
 * Resolution of the configured ICE servers (RFC 7064 `stun:`, RFC 7065 `turn:`) into the
 * addresses the runner uses: server-reflexive candidates from STUN, relayed ones from TURN.
 */
import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { normalizeIp } from "@purertc/common";
import type { IceStunServer } from "@purertc/ice";
import type { IceServerUrl } from "./configuration.js";
import type { RunnerTurnServer } from "./runner.js";

/**
 * Resolves the servers' host names: `stun:` URLs for server-reflexive candidates, `turn:` and
 * `turns:` URLs for relayed ones (over UDP, TCP with `?transport=tcp`, or TLS for `turns:`).
 * `stuns:` is passed to `skip`, as is a name that does not resolve.
 */
export async function resolveIceServers(
  servers: readonly IceServerUrl[],
  skip: (url: string, errorText: string) => void,
): Promise<{ stun: IceStunServer[]; turn: RunnerTurnServer[] }> {
  const stun: IceStunServer[] = [];
  const turn: RunnerTurnServer[] = [];
  for (const s of servers) {
    if (s.scheme === "stuns") {
      skip(s.url, "stuns: is not used for gathering: skipped");
      continue;
    }
    let address: string;
    try {
      address = isIP(s.host) ? s.host : (await lookup(s.host)).address;
    } catch (e) {
      skip(s.url, `cannot resolve ${s.host}: ${String(e)}`);
      continue;
    }
    if (s.scheme === "stun") stun.push({ address, port: s.port, url: s.url });
    else
      turn.push({
        url: s.url,
        server: { address: normalizeIp(address), port: s.port },
        transport: s.scheme === "turns" ? "tls" : (s.transport ?? "udp"),
        host: s.host,
        username: s.username!,
        credential: s.credential!,
      });
  }
  return { stun, turn };
}
