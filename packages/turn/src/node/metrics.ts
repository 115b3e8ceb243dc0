/** Prometheus text exposition (format 0.0.4) of the TURN server's counters. */
import type { TurnServerStats } from "../server-stats.js";

const GAUGES: readonly [keyof TurnServerStats, string][] = [
  ["allocations", "Live allocations"],
  ["pendingAllocations", "Allocations waiting for their relay socket"],
  ["permissions", "Live permissions"],
  ["channels", "Live channel bindings"],
];

const COUNTERS: readonly [keyof TurnServerStats, string][] = [
  ["requests", "STUN/TURN requests received"],
  ["allocationsCreated", "Allocations created"],
  ["allocationsDeleted", "Allocations deleted"],
  ["allocationsExpired", "Allocations deleted because they expired"],
  ["challenges", "401 challenges to requests without credentials"],
  ["authFailures", "Requests with wrong, unknown or expired credentials"],
  ["expiredCredentials", "Requests with expired REST credentials"],
  ["staleNonces", "438 Stale Nonce answers"],
  ["errorResponses", "Error responses to authenticated requests"],
  ["deniedPeers", "Requests refused because the peer address is denied"],
  ["quotaRejections", "Requests refused by a quota (486, 508)"],
  ["rateLimited", "Unauthenticated answers suppressed by the per-source rate limit"],
  ["malformed", "Malformed or unexpected messages dropped"],
  ["droppedNoAllocation", "Datagrams dropped: no allocation"],
  ["droppedNoPermission", "Datagrams dropped: no permission or channel"],
  ["droppedBandwidth", "Datagrams dropped: bandwidth quota"],
  ["packetsToPeer", "Datagrams relayed to peers"],
  ["bytesToPeer", "Bytes relayed to peers"],
  ["packetsFromPeer", "Datagrams relayed from peers"],
  ["bytesFromPeer", "Bytes relayed from peers"],
];

function snake(s: string): string {
  return s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Renders the stats as Prometheus text; names are `purertc_turn_<snake_case>`. */
export function renderMetrics(
  stats: TurnServerStats,
  extra: { streams: number; relaySockets: number },
): string {
  const lines: string[] = [];
  for (const [k, help] of GAUGES) {
    const name = `purertc_turn_${snake(k)}`;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${stats[k]}`);
  }
  for (const [k, help] of COUNTERS) {
    const name = `purertc_turn_${snake(k)}_total`;
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${stats[k]}`);
  }
  lines.push(
    "# HELP purertc_turn_stream_connections Open TCP/TLS client connections",
    "# TYPE purertc_turn_stream_connections gauge",
    `purertc_turn_stream_connections ${extra.streams}`,
    "# HELP purertc_turn_relay_sockets Open relay sockets",
    "# TYPE purertc_turn_relay_sockets gauge",
    `purertc_turn_relay_sockets ${extra.relaySockets}`,
  );
  return `${lines.join("\n")}\n`;
}
