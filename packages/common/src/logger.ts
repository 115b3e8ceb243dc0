/**
 * Logging: an injected {@link Logger}, silent by default. Scopes are `purertc:<package>:<component>`
 * and a {@link LogSink} decides what is enabled (the Node adapter reads `DEBUG`, like the `debug`
 * package: `DEBUG=purertc:ice,purertc:sctp*`).
 */

export type LogLevel = "trace" | "debug" | "info" | "warn" | "error";

/** Structured fields attached to a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

export interface LogRecord {
  readonly scope: string;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields?: LogFields;
}

/** Where log records go. `enabled` is asked first so disabled lines cost one call. */
export interface LogSink {
  enabled(scope: string, level: LogLevel): boolean;
  write(record: LogRecord): void;
}

export interface Logger {
  readonly scope: string;
  enabled(level: LogLevel): boolean;
  trace(message: string, fields?: LogFields): void;
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger for a sub-component: scope `<this scope>:<component>`. */
  child(component: string): Logger;
}

/**
 * Methods on the prototype, two fields per instance: every connection's components take a child
 * logger, and eight closures each (~800 bytes) showed per idle peer in heap snapshots.
 */
class ScopedLogger implements Logger {
  readonly scope: string;
  readonly #sink: LogSink | undefined;

  constructor(sink: LogSink | undefined, scope: string) {
    this.#sink = sink;
    this.scope = scope;
  }

  enabled(level: LogLevel): boolean {
    return this.#sink?.enabled(this.scope, level) ?? false;
  }

  trace(message: string, fields?: LogFields): void {
    this.#write("trace", message, fields);
  }

  debug(message: string, fields?: LogFields): void {
    this.#write("debug", message, fields);
  }

  info(message: string, fields?: LogFields): void {
    this.#write("info", message, fields);
  }

  warn(message: string, fields?: LogFields): void {
    this.#write("warn", message, fields);
  }

  error(message: string, fields?: LogFields): void {
    this.#write("error", message, fields);
  }

  child(component: string): Logger {
    return new ScopedLogger(this.#sink, `${this.scope}:${component}`);
  }

  #write(level: LogLevel, message: string, fields: LogFields | undefined): void {
    const sink = this.#sink;
    const scope = this.scope;
    if (sink?.enabled(scope, level))
      sink.write(fields ? { scope, level, message, fields } : { scope, level, message });
  }
}

/** A logger writing to `sink` (none: silent) under `scope`, e.g. `"purertc:stun:server"`. */
export function createLogger(sink: LogSink | undefined, scope: string): Logger {
  return new ScopedLogger(sink, scope);
}

/** A logger that never writes. */
export const silentLogger: Logger = createLogger(undefined, "purertc");

/**
 * A matcher for `debug`-style patterns: comma/space separated, `*` wildcard, `-` excludes.
 * A plain name also enables its sub-scopes (`purertc:ice` matches `purertc:ice:agent`).
 */
export function scopeMatcher(pattern: string): (scope: string) => boolean {
  const toRegex = (p: string) =>
    new RegExp(`^${p.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}(:.*)?$`);
  const items = pattern.split(/[\s,]+/).filter(Boolean);
  const include = items.filter((p) => !p.startsWith("-")).map(toRegex);
  const exclude = items.filter((p) => p.startsWith("-")).map((p) => toRegex(p.slice(1)));
  return (scope) => !exclude.some((r) => r.test(scope)) && include.some((r) => r.test(scope));
}

const IPV4 = /\b(\d{1,3}\.){3}\d{1,3}\b/g;
const IPV6 = /\b(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}\b/g;

/** Replaces IP literals in text with `<redacted>` (for logs that may be shared). */
export function redactAddresses(text: string): string {
  return text.replace(IPV4, "<redacted>").replace(IPV6, "<redacted>");
}

/** Formats a record as one line: `scope level message {fields}`. */
export function formatLogRecord(r: LogRecord, redact = false): string {
  let line = `${r.scope} ${r.level} ${r.message}`;
  if (r.fields)
    line += ` ${JSON.stringify(r.fields, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`;
  return redact ? redactAddresses(line) : line;
}
