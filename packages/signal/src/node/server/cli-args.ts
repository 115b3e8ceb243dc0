import { DEFAULT_SERVER_CONFIG } from "../../server/config.js";
import type { SignalServerOptions } from "./signal-server.js";

/**
 * Command line and environment of `purertc-signal`. Every flag `--some-flag` has the
 * environment variable `PURERTC_SIGNAL_SOME_FLAG`; a flag wins over its variable.
 */

type Kind = "int" | "string" | "bool";

interface Flag {
  readonly name: string;
  readonly kind: Kind;
  readonly key: string;
  readonly help: string;
  readonly def?: string;
}

const D = DEFAULT_SERVER_CONFIG;

const FLAGS: readonly Flag[] = [
  { name: "port", kind: "int", key: "port", help: "TCP port to listen on", def: "8080" },
  { name: "host", kind: "string", key: "host", help: "address to listen on", def: "0.0.0.0" },
  { name: "path", kind: "string", key: "path", help: "WebSocket path", def: "/" },
  {
    name: "secret",
    kind: "string",
    key: "secret",
    help: "token secret (HMAC-SHA256 key, >= 16 bytes)",
  },
  {
    name: "secret-file",
    kind: "string",
    key: "secretFile",
    help: "read the token secret from this file",
  },
  {
    name: "open",
    kind: "bool",
    key: "open",
    help: "development mode: accept clients without a token",
  },
  {
    name: "redis",
    kind: "string",
    key: "redis",
    help: "Redis URL for multi-node operation (redis://host:6379)",
  },
  {
    name: "redis-prefix",
    kind: "string",
    key: "redisPrefix",
    help: "Redis key/channel prefix",
    def: "purertc:signal:",
  },
  {
    name: "node-id",
    kind: "string",
    key: "nodeId",
    help: "this node's id in a cluster",
    def: "random",
  },
  {
    name: "max-message-bytes",
    kind: "int",
    key: "maxMessageBytes",
    help: "largest frame answered normally",
    def: String(D.maxMessageBytes),
  },
  {
    name: "max-frame-bytes",
    kind: "int",
    key: "maxFrameBytes",
    help: "frames beyond this close the connection (1009)",
    def: "4 x max-message-bytes",
  },
  {
    name: "messages-per-second",
    kind: "int",
    key: "messagesPerSecond",
    help: "sustained messages/s per connection",
    def: String(D.messagesPerSecond),
  },
  {
    name: "message-burst",
    kind: "int",
    key: "messageBurst",
    help: "burst allowance above the rate",
    def: String(D.messageBurst),
  },
  {
    name: "max-peers-per-room",
    kind: "int",
    key: "maxPeersPerRoom",
    help: "members per room",
    def: String(D.maxPeersPerRoom),
  },
  {
    name: "max-rooms",
    kind: "int",
    key: "maxRooms",
    help: "rooms with members on this node",
    def: String(D.maxRooms),
  },
  {
    name: "max-connections",
    kind: "int",
    key: "maxConnections",
    help: "open connections on this node",
    def: String(D.maxConnections),
  },
  {
    name: "ping-interval-ms",
    kind: "int",
    key: "pingIntervalMs",
    help: "ping a connection silent this long",
    def: String(D.pingIntervalMs),
  },
  {
    name: "idle-timeout-ms",
    kind: "int",
    key: "idleTimeoutMs",
    help: "close a connection silent this long",
    def: String(D.idleTimeoutMs),
  },
  {
    name: "resume-grace-ms",
    kind: "int",
    key: "resumeGraceMs",
    help: "how long a dropped session can be resumed (0: never)",
    def: String(D.resumeGraceMs),
  },
  {
    name: "resume-buffer-messages",
    kind: "int",
    key: "resumeBufferMessages",
    help: "notifications kept per session for a resume",
    def: String(D.resumeBufferMessages),
  },
  {
    name: "resume-buffer-bytes",
    kind: "int",
    key: "resumeBufferBytes",
    help: "bytes kept per session for a resume",
    def: String(D.resumeBufferBytes),
  },
  {
    name: "shutdown-retry-after-ms",
    kind: "int",
    key: "shutdownRetryAfterMs",
    help: "reconnect delay suggested on shutdown",
    def: String(D.shutdownRetryAfterMs),
  },
  {
    name: "log-level",
    kind: "string",
    key: "logLevel",
    help: "trace|debug|info|warn|error",
    def: "info",
  },
  { name: "log-format", kind: "string", key: "logFormat", help: "json|text", def: "json" },
];

/** What the command line asks for. */
export type CliCommand =
  | { readonly kind: "help" }
  | { readonly kind: "version" }
  | { readonly kind: "error"; readonly message: string }
  | {
      readonly kind: "serve";
      readonly options: SignalServerOptions & { readonly port: number; readonly host: string };
      readonly secretFile?: string;
      readonly logLevel: "trace" | "debug" | "info" | "warn" | "error";
      readonly logFormat: "json" | "text";
    }
  | {
      readonly kind: "token";
      readonly secret?: string;
      readonly secretFile?: string;
      readonly room: string;
      readonly sub: string;
      readonly ttlSeconds: number;
    };

/** `--help` text: every flag, its variable and default. */
export const CLI_USAGE = `Usage: purertc-signal [flags]            run the signaling server
       purertc-signal token --secret S --room R --sub ID [--ttl SECONDS]
                                          print an access token

Every flag can also be set with PURERTC_SIGNAL_<FLAG> (e.g. PURERTC_SIGNAL_MAX_ROOMS=100).
A token secret or --open is required.

Flags:
${FLAGS.map((f) => {
  const left = `  --${f.name}${f.kind === "bool" ? "" : ` <${f.kind === "int" ? "n" : "value"}>`}`;
  const env = `PURERTC_SIGNAL_${f.name.toUpperCase().replaceAll("-", "_")}`;
  return `${left.padEnd(34)}${f.help}${f.def ? ` (default ${f.def})` : ""}\n${"".padEnd(34)}env ${env}`;
}).join("\n")}
  --help                          show this text
  --version                       print the version

Endpoints: GET /healthz (JSON), GET /metrics (Prometheus), WebSocket on --path.
Exit codes: 0 after a graceful shutdown (SIGTERM/SIGINT), 1 on a runtime error, 2 on bad arguments.
`;

function envName(flag: string): string {
  return `PURERTC_SIGNAL_${flag.toUpperCase().replaceAll("-", "_")}`;
}

function parseValue(f: Flag, raw: string, from: string): number | string | boolean | Error {
  if (f.kind === "bool") {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    return new Error(`${from}: expected true/false, got "${raw}"`);
  }
  if (f.kind === "int") {
    if (!/^\d+$/.test(raw))
      return new Error(`${from}: expected a non-negative integer, got "${raw}"`);
    return Number(raw);
  }
  return raw;
}

/** Parses `argv` (without node and script) over `env`. Never throws. */
export function parseCliArgs(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
): CliCommand {
  const args = [...argv];
  if (args.includes("--help") || args.includes("-h")) return { kind: "help" };
  if (args.includes("--version")) return { kind: "version" };
  if (args[0] === "token") return parseToken(args.slice(1), env);
  const values: Record<string, number | string | boolean> = {};
  for (const f of FLAGS) {
    const raw = env[envName(f.name)];
    if (raw === undefined || raw === "") continue;
    const v = parseValue(f, raw, envName(f.name));
    if (v instanceof Error) return { kind: "error", message: v.message };
    values[f.key] = v;
  }
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith("--")) return { kind: "error", message: `unexpected argument "${a}"` };
    const [name, inline] = a.slice(2).split("=", 2) as [string, string | undefined];
    const f = FLAGS.find((x) => x.name === name);
    if (!f) return { kind: "error", message: `unknown flag --${name}` };
    let raw = inline;
    if (raw === undefined) {
      if (f.kind === "bool") raw = "true";
      else {
        raw = args[++i];
        if (raw === undefined) return { kind: "error", message: `--${name} needs a value` };
      }
    }
    const v = parseValue(f, raw, `--${name}`);
    if (v instanceof Error) return { kind: "error", message: v.message };
    values[f.key] = v;
  }
  const {
    logLevel = "info",
    logFormat = "json",
    secretFile,
    port = 8080,
    host = "0.0.0.0",
    ...rest
  } = values;
  if (!["trace", "debug", "info", "warn", "error"].includes(String(logLevel)))
    return { kind: "error", message: `--log-level: unknown level "${String(logLevel)}"` };
  if (logFormat !== "json" && logFormat !== "text")
    return { kind: "error", message: `--log-format: expected json or text` };
  if (typeof port !== "number" || port > 65535)
    return { kind: "error", message: "--port: must be 0-65535" };
  if (!rest.secret && !secretFile && !rest.open)
    return {
      kind: "error",
      message: "a token secret (--secret / --secret-file) or --open is required",
    };
  return {
    kind: "serve",
    options: { ...(rest as Partial<SignalServerOptions>), port, host: String(host) },
    ...(typeof secretFile === "string" ? { secretFile } : {}),
    logLevel: logLevel as "info",
    logFormat,
  };
}

function parseToken(args: string[], env: Readonly<Record<string, string | undefined>>): CliCommand {
  const v: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const m = /^--(secret|secret-file|room|sub|ttl)(?:=(.*))?$/.exec(a);
    if (!m) return { kind: "error", message: `token: unexpected argument "${a}"` };
    const value = m[2] ?? args[++i];
    if (value === undefined) return { kind: "error", message: `token: --${m[1]} needs a value` };
    v[m[1]!] = value;
  }
  const secret = v.secret ?? env.PURERTC_SIGNAL_SECRET;
  const secretFile = v["secret-file"] ?? env.PURERTC_SIGNAL_SECRET_FILE;
  if (!secret && !secretFile)
    return { kind: "error", message: "token: --secret or --secret-file is required" };
  if (!v.room || !v.sub) return { kind: "error", message: "token: --room and --sub are required" };
  const ttl = v.ttl ?? "3600";
  if (!/^\d+$/.test(ttl) || Number(ttl) === 0)
    return { kind: "error", message: "token: --ttl must be a positive integer" };
  return {
    kind: "token",
    ...(secret ? { secret } : {}),
    ...(secretFile ? { secretFile } : {}),
    room: v.room,
    sub: v.sub,
    ttlSeconds: Number(ttl),
  };
}
