/** Local addresses to gather host candidates on (os.networkInterfaces()). */
import { networkInterfaces } from "node:os";
import { type IpFamily, ipScope, normalizeIp } from "@purertc/common";

/** Which interfaces and addresses to use. */
export interface InterfaceFilter {
  /** Interface names (or addresses) to use; all when omitted. */
  readonly allow?: readonly string[];
  /** Interface names (or addresses) to skip (e.g. `docker0`, VPNs). */
  readonly deny?: readonly string[];
  /** Include loopback addresses (tests; off by default like browsers). */
  readonly includeLoopback?: boolean;
  /** Include IPv6 addresses (default true; link-local ones are always skipped). */
  readonly ipv6?: boolean;
  /** Include IPv4 addresses (default true). */
  readonly ipv4?: boolean;
}

/** A usable local address; `rank` is its interface's position (0 = first, most preferred). */
export interface LocalAddress {
  readonly interface: string;
  readonly address: string;
  readonly family: IpFamily;
  readonly rank: number;
}

/**
 * The addresses host candidates can be gathered on: up, not link-local (an IPv6 link-local
 * address needs a scope id, RFC 8445 §5.1.1.1 says not to use them), loopback only if asked.
 */
export function usableAddresses(
  filter: InterfaceFilter = {},
  interfaces: ReturnType<typeof networkInterfaces> = networkInterfaces(),
): LocalAddress[] {
  const out: LocalAddress[] = [];
  let rank = 0;
  for (const [name, list] of Object.entries(interfaces)) {
    if (!list) continue;
    const listed = (names: readonly string[] | undefined, address: string) =>
      names?.some((n) => n === name || normalizeIp(n) === address) ?? false;
    let used = false;
    for (const info of list) {
      const address = normalizeIp(info.address);
      const family: IpFamily = info.family === "IPv6" || (info.family as unknown) === 6 ? 6 : 4;
      if (family === 6 && filter.ipv6 === false) continue;
      if (family === 4 && filter.ipv4 === false) continue;
      const scope = ipScope(address);
      if (scope === "link-local" || scope === "unspecified" || scope === "multicast") continue;
      if ((info.internal || scope === "loopback") && !filter.includeLoopback) continue;
      if (filter.allow && !listed(filter.allow, address)) continue;
      if (listed(filter.deny, address)) continue;
      out.push({ interface: name, address, family, rank });
      used = true;
    }
    if (used) rank++;
  }
  return out;
}
