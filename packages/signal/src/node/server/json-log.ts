import type { LogLevel, LogRecord, LogSink } from "@purertc/common";

const ORDER: Record<LogLevel, number> = { trace: 0, debug: 1, info: 2, warn: 3, error: 4 };

/** Options of {@link jsonLogSink}. */
export interface JsonLogOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** `json`: one JSON object per line (default); `text`: human-readable. */
  readonly format?: "json" | "text";
  /** Where lines go (default: stderr). */
  readonly write?: (line: string) => void;
}

/** A structured log sink: one line per record with time, level, scope, message and fields. */
export function jsonLogSink(options: JsonLogOptions = {}): LogSink {
  const min = ORDER[options.level ?? "info"];
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  return {
    enabled: (_scope, level) => ORDER[level] >= min,
    write(r: LogRecord) {
      const time = new Date().toISOString();
      if (options.format === "text") {
        const fields = r.fields ? ` ${JSON.stringify(r.fields)}` : "";
        write(`${time} ${r.level.toUpperCase()} ${r.scope} ${r.message}${fields}`);
      } else
        write(
          JSON.stringify({ time, level: r.level, scope: r.scope, msg: r.message, ...r.fields }),
        );
    },
  };
}
