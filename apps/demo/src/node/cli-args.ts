/** Command-line flags of the demo (`pnpm demo --help`). */

export const USAGE = `purertc demo: a browser and a Node bot over WebRTC, with live stats

Usage: pnpm demo [options]        (or: npm run demo -- [options])

Options:
  --port N        HTTP port for the page and the signaling WebSocket (default 8080; 0: any free)
  --host H        address to listen on (default 127.0.0.1; 0.0.0.0 for other machines)
  --self-test     start on a free loopback port, run the end-to-end checks in headless
                  Chromium (/usr/bin/chromium or $CHROMIUM), print a pass/fail report, exit
  --verbose       log signaling and bot events to stderr
  -h, --help      this text

Exit status: 0 ok, 1 failure, 2 bad arguments.`;

export interface DemoArgs {
  readonly port: number;
  readonly host: string;
  readonly selfTest: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

export class UsageError extends Error {}

export function parseArgs(argv: readonly string[]): DemoArgs {
  let port = 8080;
  let host = "127.0.0.1";
  let selfTest = false;
  let verbose = false;
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const raw = argv[i] as string;
    if (raw === "--") continue; // npm/pnpm pass-through separator
    const eq = raw.indexOf("=");
    const flag = eq > 0 && raw.startsWith("--") ? raw.slice(0, eq) : raw;
    const inline = eq > 0 && raw.startsWith("--") ? raw.slice(eq + 1) : undefined;
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n > 65535) throw new UsageError(`--port: not a port number: ${v}`);
        port = n;
        break;
      }
      case "--host":
        host = value();
        break;
      case "--self-test":
        selfTest = true;
        break;
      case "--verbose":
        verbose = true;
        break;
      case "-h":
      case "--help":
        help = true;
        break;
      default:
        throw new UsageError(`unknown argument: ${raw}`);
    }
  }
  return { port, host, selfTest, verbose, help };
}
