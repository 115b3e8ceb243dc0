/** `pnpm demo`: serves the page, runs signaling and the bot; `--self-test` checks an install. */
import { createLogger, formatLogRecord } from "@purertc/common";
import { parseArgs, USAGE, UsageError } from "./cli-args.js";
import { startDemoServer } from "./server.js";

async function main(): Promise<number> {
  let args: ReturnType<typeof parseArgs>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`demo: ${e.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const logger = createLogger(
    {
      enabled: (_scope, level) => args.verbose || level === "warn" || level === "error",
      write: (r) => process.stderr.write(`${formatLogRecord(r)}\n`),
    },
    "purertc:demo",
  );
  if (args.selfTest) {
    const { runSelfTest } = await import("./self-test.js");
    return runSelfTest({ logger });
  }
  let server: Awaited<ReturnType<typeof startDemoServer>>;
  try {
    server = await startDemoServer({ port: args.port, host: args.host, logger });
  } catch (e) {
    const code = (e as { code?: string }).code;
    const why =
      code === "EADDRINUSE"
        ? `port ${args.port} is in use (try --port 0 for any free port)`
        : code === "EADDRNOTAVAIL"
          ? `${args.host} is not an address of this machine`
          : String(e);
    process.stderr.write(`demo: cannot start: ${why}\n`);
    return 1;
  }
  process.stdout.write(
    `\npurertc demo running at ${server.url}\nopen it in a browser; Ctrl-C stops\n\n`,
  );
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await server.close();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`demo: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    process.exit(1);
  },
);
