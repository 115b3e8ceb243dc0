import { readFileSync } from "node:fs";
import { createLogger } from "@purertc/common";
import { CLI_USAGE, parseCliArgs } from "./cli-args.js";
import { jsonLogSink } from "./json-log.js";
import { createToken } from "./node-crypto.js";
import { startSignalServer } from "./signal-server.js";

/** `purertc-signal`: the signaling server from the command line (see `--help`). */
async function main(): Promise<number> {
  const cmd = parseCliArgs(process.argv.slice(2), process.env);
  switch (cmd.kind) {
    case "help":
      process.stdout.write(CLI_USAGE);
      return 0;
    case "version": {
      const pkg = JSON.parse(
        readFileSync(new URL("../../../package.json", import.meta.url), "utf8"),
      );
      process.stdout.write(`${pkg.version}\n`);
      return 0;
    }
    case "error":
      process.stderr.write(`purertc-signal: ${cmd.message}\nTry purertc-signal --help\n`);
      return 2;
    case "token": {
      const secret = cmd.secret ?? readFileSync(cmd.secretFile!, "utf8").trim();
      process.stdout.write(
        `${createToken(secret, { sub: cmd.sub, room: cmd.room, ttlSeconds: cmd.ttlSeconds })}\n`,
      );
      return 0;
    }
    case "serve": {
      const logger = createLogger(
        jsonLogSink({ level: cmd.logLevel, format: cmd.logFormat }),
        "purertc:signal:server",
      );
      let options = cmd.options;
      if (cmd.secretFile)
        options = { ...options, secret: readFileSync(cmd.secretFile, "utf8").trim() };
      let server: Awaited<ReturnType<typeof startSignalServer>>;
      try {
        server = await startSignalServer({ ...options, logger });
      } catch (e) {
        const bad = e instanceof RangeError || e instanceof TypeError;
        logger.error("cannot start", { error: (e as Error).message });
        return bad ? 2 : 1;
      }
      if (options.open)
        logger.warn("open mode: clients connect without a token (development only)");
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info("signal received", { signal });
          server.close().then(resolve, resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
      return 0;
    }
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`purertc-signal: ${(e as Error).stack ?? String(e)}\n`);
    process.exitCode = 1;
  },
);
