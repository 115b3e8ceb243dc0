/**
 * `purertc-turn`: the TURN server command. Exit codes: 0 after a clean shutdown, 1 when the
 * server fails, 2 for bad arguments or configuration.
 */
import { parseArgs } from "node:util";
import { createLogger, type LogLevel, type LogSink } from "@purertc/common";
import {
  configFromEnv,
  parseUsers,
  readConfigFile,
  resolveNodeConfig,
  TurnConfigError,
  type TurnServerFileConfig,
} from "./config.js";
import { type NodeTurnServer, startTurnServer } from "./server.js";

/** The `--help` text: every option. */
export const TURN_CLI_HELP = `purertc-turn: a TURN server (RFC 8656) with long-term and REST credentials.

Usage: purertc-turn [options]

Settings are read from --config, then PURERTC_TURN_* environment variables, then flags
(later wins). Lists repeat the flag.

  --config FILE              JSON config file (keys: see README)
  --listen URL               udp://IP:PORT, tcp://IP:PORT or tls://IP:PORT
                             (default udp://0.0.0.0:3478 and tcp://0.0.0.0:3478)  [PURERTC_TURN_LISTEN]
  --realm NAME               long-term credential realm (default purertc)          [PURERTC_TURN_REALM]
  --user NAME:PASSWORD       a static user                                          [PURERTC_TURN_USERS]
  --rest-secret SECRET       coturn-compatible REST secret (username "expiry:user",
                             password base64(HMAC-SHA1(secret, username)))          [PURERTC_TURN_REST_SECRETS]
  --tls-cert FILE            PEM certificate chain for tls:// listeners (SIGHUP reloads) [PURERTC_TURN_TLS_CERT]
  --tls-key FILE             PEM private key for tls:// listeners                   [PURERTC_TURN_TLS_KEY]
  --relay-ip IP              local IP to bind relay sockets on (one per family)     [PURERTC_TURN_RELAY_IPS]
  --relay-ports LOW-HIGH     relay port range (default: any)                         [PURERTC_TURN_RELAY_PORTS]
  --external-ip PUBLIC[/LOCAL]  address reported to clients when behind NAT          [PURERTC_TURN_EXTERNAL_IPS]
  --allow-peer CIDR          relay to this range even if private/loopback (denied by default) [PURERTC_TURN_ALLOWED_PEERS]
  --deny-peer CIDR           never relay to this range
  --max-allocations-per-user N   486 beyond (default 100; 0 = unlimited)
  --max-allocations N        486 beyond, all users (default 10000)
  --max-bandwidth BYTES      per allocation and direction, bytes/s (default 0 = unlimited)
  --metrics HOST:PORT        Prometheus /metrics and /healthz over HTTP             [PURERTC_TURN_METRICS]
  --log-level LEVEL          trace, debug, info (default), warn, error               [PURERTC_TURN_LOG_LEVEL]
  -h, --help                 this text

Signals: SIGHUP reloads the TLS certificate and the static users of --config;
SIGTERM and SIGINT shut down gracefully.`;

/** Where the CLI writes, and its environment (tests inject them). */
export interface TurnCliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  /** Called with the running server (tests stop it with `close()`). */
  readonly onStarted?: (server: NodeTurnServer) => void;
  /** Whether to install signal handlers (default true). */
  readonly signals?: boolean;
}

const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** One JSON object per line on stderr. */
function jsonSink(min: LogLevel, write: (s: string) => void): LogSink {
  return {
    enabled: (_scope, level) => ORDER[level] >= ORDER[min],
    write: (r) =>
      write(
        `${JSON.stringify({ time: new Date().toISOString(), level: r.level, scope: r.scope, msg: r.message, ...r.fields })}\n`,
      ),
  };
}

function flagsConfig(
  values: Record<string, string | string[] | boolean | undefined>,
): TurnServerFileConfig {
  const num = (k: string) => {
    const v = values[k] as string | undefined;
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0)
      throw new TurnConfigError(`--${k}: expected an integer >= 0, got ${JSON.stringify(v)}`);
    return n;
  };
  const list = (k: string) => values[k] as string[] | undefined;
  return {
    listen: list("listen"),
    realm: values.realm as string | undefined,
    users: list("user") ? parseUsers(list("user")!, "--user") : undefined,
    restSecrets: list("rest-secret"),
    tlsCertFile: values["tls-cert"] as string | undefined,
    tlsKeyFile: values["tls-key"] as string | undefined,
    relayIps: list("relay-ip"),
    relayPorts: values["relay-ports"] as string | undefined,
    externalIps: list("external-ip"),
    allowedPeers: list("allow-peer"),
    deniedPeers: list("deny-peer"),
    maxAllocationsPerUser: num("max-allocations-per-user"),
    maxAllocations: num("max-allocations"),
    maxBandwidthBytesPerSecond: num("max-bandwidth"),
    metrics: values.metrics as string | undefined,
    logLevel: values["log-level"] as LogLevel | undefined,
  };
}

/** Runs the command; resolves with the exit code after shutdown. */
export async function runTurnCli(argv: readonly string[], io: TurnCliIo): Promise<number> {
  let options: ReturnType<typeof resolveNodeConfig>;
  let configPath: string | undefined;
  try {
    const { values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        config: { type: "string" },
        listen: { type: "string", multiple: true },
        realm: { type: "string" },
        user: { type: "string", multiple: true },
        "rest-secret": { type: "string", multiple: true },
        "tls-cert": { type: "string" },
        "tls-key": { type: "string" },
        "relay-ip": { type: "string", multiple: true },
        "relay-ports": { type: "string" },
        "external-ip": { type: "string", multiple: true },
        "allow-peer": { type: "string", multiple: true },
        "deny-peer": { type: "string", multiple: true },
        "max-allocations-per-user": { type: "string" },
        "max-allocations": { type: "string" },
        "max-bandwidth": { type: "string" },
        metrics: { type: "string" },
        "log-level": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
    if (values.help) {
      io.stdout(`${TURN_CLI_HELP}\n`);
      return 0;
    }
    configPath = values.config;
    const file = configPath ? readConfigFile(configPath) : {};
    options = resolveNodeConfig([file, configFromEnv(io.env), flagsConfig(values)]);
  } catch (e) {
    io.stderr(`purertc-turn: ${(e as Error).message}\n(see purertc-turn --help)\n`);
    return 2;
  }
  const logger = createLogger(jsonSink(options.logLevel, io.stderr), "purertc");
  let server: NodeTurnServer;
  try {
    server = await startTurnServer({ ...options, logger });
  } catch (e) {
    io.stderr(`purertc-turn: cannot start: ${(e as Error).message}\n`);
    return 1;
  }
  io.onStarted?.(server);
  return new Promise<number>((resolve) => {
    const stop = () => {
      void server.close().then(() => {
        process.off("SIGHUP", hup);
        process.off("SIGTERM", stop);
        process.off("SIGINT", stop);
        resolve(0);
      });
    };
    const hup = () => {
      try {
        server.reloadCertificates();
        if (configPath) {
          const users = readConfigFile(configPath).users;
          if (users) server.core.setUsers(users);
        }
      } catch (e) {
        logger.error("reload failed", { error: (e as Error).message });
      }
    };
    if (io.signals !== false) {
      process.on("SIGHUP", hup);
      process.on("SIGTERM", stop);
      process.on("SIGINT", stop);
    }
    const close = server.close.bind(server);
    (server as { close: () => Promise<void> }).close = async () => {
      await close();
      process.off("SIGHUP", hup);
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      resolve(0);
    };
  });
}
