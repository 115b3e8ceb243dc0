import {
  formatLogRecord,
  type LogLevel,
  type LogRecord,
  type LogSink,
  scopeMatcher,
} from "../logger.js";

/** Options of {@link debugLogSink}. */
export interface DebugLogSinkOptions {
  /** Pattern of enabled scopes; defaults to `process.env.DEBUG`. */
  readonly pattern?: string;
  /** Where lines go; defaults to `process.stderr`. */
  readonly write?: (line: string) => void;
  /** Replace IP addresses with `<redacted>`. */
  readonly redactAddresses?: boolean;
  /** Levels at or above this are always written for enabled scopes (default `trace`). */
  readonly minLevel?: LogLevel;
}

const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** A {@link LogSink} enabled by `DEBUG`-style scope patterns, writing one line per record. */
export function debugLogSink(options: DebugLogSinkOptions = {}): LogSink {
  const matches = scopeMatcher(options.pattern ?? process.env.DEBUG ?? "");
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const min = ORDER[options.minLevel ?? "trace"];
  const cache = new Map<string, boolean>();
  return {
    enabled(scope, level) {
      if (ORDER[level] < min) return false;
      const known = cache.get(scope);
      if (known !== undefined) return known;
      const on = matches(scope);
      cache.set(scope, on);
      return on;
    },
    write(record: LogRecord) {
      write(`${new Date().toISOString()} ${formatLogRecord(record, options.redactAddresses)}`);
    },
  };
}
