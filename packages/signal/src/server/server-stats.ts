/** Counters and gauges of a server core, rendered as Prometheus text by {@link renderMetrics}. */
export interface ServerStats {
  readonly connections: number;
  readonly sessions: number;
  readonly detachedSessions: number;
  readonly rooms: number;
  readonly connectionsTotal: number;
  readonly framesReceived: number;
  readonly bytesReceived: number;
  /** Notifications delivered to a local peer, by method. */
  readonly relayed: Readonly<Record<string, number>>;
  /** Error responses sent, by error code name. */
  readonly errors: Readonly<Record<string, number>>;
  /** Connections closed by the server, by reason. */
  readonly closes: Readonly<Record<string, number>>;
  readonly resumes: number;
  readonly resumeMisses: number;
  /** Notifications dropped from full resume buffers. */
  readonly resumeLost: number;
}

/** Mutable counters behind {@link ServerStats}. */
export class StatsCounters {
  connectionsTotal = 0;
  framesReceived = 0;
  bytesReceived = 0;
  resumes = 0;
  resumeMisses = 0;
  resumeLost = 0;
  readonly relayed: Record<string, number> = {};
  readonly errors: Record<string, number> = {};
  readonly closes: Record<string, number> = {};

  static bump(table: Record<string, number>, key: string, by = 1): void {
    table[key] = (table[key] ?? 0) + by;
  }
}

function escapeLabel(v: string): string {
  return v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

/**
 * The Prometheus text exposition format (version 0.0.4) of `stats`, with `extra` gauges the
 * adapter adds (process memory, cluster state).
 */
export function renderMetrics(
  stats: ServerStats,
  extra: Readonly<Record<string, number>> = {},
): string {
  const lines: string[] = [];
  const metric = (
    name: string,
    type: "gauge" | "counter",
    help: string,
    values: [string, number][],
  ) => {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const [labels, v] of values) lines.push(`${name}${labels} ${v}`);
  };
  const labelled = (label: string, table: Readonly<Record<string, number>>): [string, number][] =>
    Object.entries(table).map(([k, v]) => [`{${label}="${escapeLabel(k)}"}`, v]);
  metric("purertc_signal_connections", "gauge", "Open WebSocket connections.", [
    ["", stats.connections],
  ]);
  metric("purertc_signal_sessions", "gauge", "Sessions, attached or waiting for a resume.", [
    ["", stats.sessions],
  ]);
  metric("purertc_signal_sessions_detached", "gauge", "Sessions waiting for a resume.", [
    ["", stats.detachedSessions],
  ]);
  metric("purertc_signal_rooms", "gauge", "Rooms with members on this node.", [["", stats.rooms]]);
  metric("purertc_signal_connections_total", "counter", "Connections accepted.", [
    ["", stats.connectionsTotal],
  ]);
  metric("purertc_signal_frames_received_total", "counter", "Frames received.", [
    ["", stats.framesReceived],
  ]);
  metric("purertc_signal_bytes_received_total", "counter", "Bytes received.", [
    ["", stats.bytesReceived],
  ]);
  metric(
    "purertc_signal_messages_relayed_total",
    "counter",
    "Notifications delivered to peers on this node, by method.",
    labelled("method", stats.relayed),
  );
  metric(
    "purertc_signal_errors_total",
    "counter",
    "Error responses sent, by code.",
    labelled("code", stats.errors),
  );
  metric(
    "purertc_signal_closes_total",
    "counter",
    "Connections closed by the server, by reason.",
    labelled("reason", stats.closes),
  );
  metric("purertc_signal_resumes_total", "counter", "Sessions resumed.", [["", stats.resumes]]);
  metric("purertc_signal_resume_misses_total", "counter", "Resume attempts for unknown sessions.", [
    ["", stats.resumeMisses],
  ]);
  metric(
    "purertc_signal_resume_lost_total",
    "counter",
    "Notifications evicted from resume buffers.",
    [["", stats.resumeLost]],
  );
  for (const [name, v] of Object.entries(extra))
    metric(name, "gauge", name.replaceAll("_", " "), [["", v]]);
  return `${lines.join("\n")}\n`;
}
