/**
 * The `purertc-stun` command line: query a STUN server, probe the NAT (RFC 5780), or run a
 * server. `cli.ts` is the executable entry; this module is importable (and tested).
 */
import { parseArgs } from "node:util";
import {
  formatSocketAddress,
  parseSocketAddress,
  type SocketAddress,
  toHex,
} from "@purertc/common";
import { defaultCrypto } from "@purertc/crypto/default";
import { stunUserhash } from "../long-term.js";
import { discoverNatBehavior, stunBindingRequest } from "./client.js";
import { startStunServer } from "./server.js";

const HELP = `Usage: purertc-stun <command> [options]

Commands:
  query <host:port>     Send a Binding request; print the mapped address and the RTT.
  nat <host:port>       Run the RFC 5780 NAT behaviour tests against an RFC 5780 server
                        (one started with --alt-address); print the report.
  serve                 Run a STUN server on UDP and TCP.

Options for serve:
  --port <n>            Port to listen on (default 3478; 0 picks a free port).
  --address <ip>        Address to bind (default 0.0.0.0; RFC 5780 mode needs a concrete IP).
  --alt-address <ip:port>
                        RFC 5780 mode: the alternate IP and port (both must differ from the
                        primary ones). Enables OTHER-ADDRESS, RESPONSE-ORIGIN, CHANGE-REQUEST.
  --auth <user:pass>    Require short-term credentials (USERNAME + MESSAGE-INTEGRITY).
  --realm <realm>       With --auth: use long-term credentials in this realm instead
                        (SHA-256 and MD5 keys negotiated, USERHASH accepted).
  --redirect <ip:port>  With --auth: answer authenticated requests with 300 Try Alternate
                        and this ALTERNATE-SERVER (RFC 8489 §10).
  --software <text>     Send SOFTWARE in success responses (off by default).
  --no-tcp              UDP only.

Options for query:
  --auth <user:pass>    Sign the request with short-term credentials.
  --long-term           With --auth: use them as long-term credentials (answer the 401).

Common:
  --json                Print JSON instead of text (query, nat).
  -h, --help            Show this help.

Logging: DEBUG=purertc:stun* prints one line per request (serve) or per test (nat).
Exit codes: 0 success, 1 the operation failed, 2 bad arguments.`;

class UsageError extends Error {}

function address(value: string, flag: string): SocketAddress {
  try {
    return parseSocketAddress(value);
  } catch {
    throw new UsageError(`${flag}: expected host:port, got ${JSON.stringify(value)}`);
  }
}

function credentials(
  value: string | undefined,
): { username: string; password: string } | undefined {
  if (value === undefined) return undefined;
  const i = value.indexOf(":");
  if (i <= 0) throw new UsageError(`--auth: expected user:pass, got ${JSON.stringify(value)}`);
  return { username: value.slice(0, i), password: value.slice(i + 1) };
}

function port(value: string | undefined): number {
  if (value === undefined) return 3478;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535)
    throw new UsageError(`--port: expected 0-65535, got ${JSON.stringify(value)}`);
  return n;
}

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(
  argv: readonly string[],
  out: (line: string) => void = (s) => {
    process.stdout.write(`${s}\n`);
  },
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (e) {
    process.stderr.write(`purertc-stun: ${(e as Error).message}\nTry 'purertc-stun --help'.\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    out(HELP);
    return 0;
  }
  try {
    const [command, target, ...extra] = positionals;
    if (extra.length) throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
    switch (command) {
      case "query": {
        if (!target) throw new UsageError("query: missing <host:port>");
        const server = address(target, "query");
        const auth = credentials(values.auth);
        if (values["long-term"] && !auth) throw new UsageError("--long-term needs --auth");
        const r = await stunBindingRequest(server, { ...auth, longTerm: values["long-term"] });
        out(
          values.json
            ? JSON.stringify(r)
            : `mapped ${formatSocketAddress(r.mappedAddress)} rtt ${r.rttMs.toFixed(1)} ms (local ${formatSocketAddress(r.localAddress)})`,
        );
        return 0;
      }
      case "nat": {
        if (!target) throw new UsageError("nat: missing <host:port>");
        const report = await discoverNatBehavior(address(target, "nat"));
        if (values.json) out(JSON.stringify(report));
        else {
          out(
            `mapped address: ${report.mappedAddress ? formatSocketAddress(report.mappedAddress) : "-"}`,
          );
          out(`NAT detected:   ${report.natDetected ?? "unknown"}`);
          out(`mapping:        ${report.mapping}`);
          out(`filtering:      ${report.filtering}`);
          out(`hairpinning:    ${report.hairpinning ?? "not tested"}`);
          if (report.error) out(`note:           ${report.error}`);
        }
        return report.mappedAddress ? 0 : 1;
      }
      case "serve": {
        if (target)
          throw new UsageError(`serve takes no positional argument, got ${JSON.stringify(target)}`);
        const auth = credentials(values.auth);
        if (values.redirect && !auth) throw new UsageError("--redirect needs --auth");
        const realm = values.realm;
        const hash =
          auth && realm !== undefined
            ? toHex(stunUserhash(auth.username, realm, defaultCrypto))
            : undefined;
        const server = await startStunServer({
          port: port(values.port),
          address: values.address,
          alternate: values["alt-address"]
            ? address(values["alt-address"], "--alt-address")
            : undefined,
          software: values.software,
          tcp: !values["no-tcp"],
          auth: auth && {
            mechanism: realm !== undefined ? "long-term" : "short-term",
            realm,
            lookup: (u) => (u === auth.username ? auth.password : undefined),
            userhash: (h) => (toHex(h) === hash ? auth.username : undefined),
          },
          alternateServer: values.redirect
            ? { server: address(values.redirect, "--redirect") }
            : undefined,
        });
        out(
          `STUN server listening on udp ${server.udpAddresses.map(formatSocketAddress).join(", ")}` +
            (server.tcpAddress ? ` and tcp ${formatSocketAddress(server.tcpAddress)}` : ""),
        );
        await new Promise<void>((resolve) => {
          const stop = () => {
            process.off("SIGINT", stop);
            process.off("SIGTERM", stop);
            resolve();
          };
          process.on("SIGINT", stop);
          process.on("SIGTERM", stop);
        });
        await server.close();
        return 0;
      }
      case undefined:
        throw new UsageError("missing command (query, nat or serve)");
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
  } catch (e) {
    if (e instanceof UsageError || e instanceof TypeError) {
      process.stderr.write(`purertc-stun: ${e.message}\nTry 'purertc-stun --help'.\n`);
      return 2;
    }
    process.stderr.write(`purertc-stun: ${(e as Error).message}\n`);
    return 1;
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      address: { type: "string" },
      "alt-address": { type: "string" },
      auth: { type: "string" },
      realm: { type: "string" },
      redirect: { type: "string" },
      "long-term": { type: "boolean" },
      software: { type: "string" },
      "no-tcp": { type: "boolean" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
}
