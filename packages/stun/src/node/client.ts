/**
 * Node adapter of the STUN clients: a Binding request and RFC 5780 NAT behaviour discovery,
 * each over its own UDP socket that is closed when the promise settles.
 */
import { createSocket, type Socket } from "node:dgram";
import { lookup } from "node:dns/promises";
import {
  createLogger,
  formatSocketAddress,
  ipFamily,
  type Logger,
  parseSocketAddress,
  type SocketAddress,
} from "@purertc/common";
import { debugLogSink } from "@purertc/common/node";
import type { CryptoProvider } from "@purertc/crypto";
import { defaultCrypto } from "@purertc/crypto/default";
import { StunBindingClient, type StunBindingEvent } from "../binding-client.js";
import { StunIntegrityKey } from "../integrity.js";
import { LongTermCredentials } from "../long-term.js";
import { NatBehaviorDiscovery, type NatBehaviorReport } from "../nat-discovery.js";
import type { StunTransactionConfig } from "../transactions.js";
import { CoreLoop, monotonicNow } from "./loop.js";

/** Common options of the client helpers. */
export interface NodeStunClientOptions {
  /** Local address to bind (default: the wildcard of the server's family). */
  readonly localAddress?: string;
  /** Local port (default 0: any). */
  readonly localPort?: number;
  /** Retransmission (RFC 8489 defaults for a query; shorter for NAT discovery). */
  readonly transaction?: Partial<StunTransactionConfig>;
  /** Aborts the operation. */
  readonly signal?: AbortSignal;
  readonly logger?: Logger;
}

/** Options of {@link stunBindingRequest}. */
export interface StunBindingRequestOptions extends NodeStunClientOptions {
  /** Short-term credential (USERNAME + MESSAGE-INTEGRITY); the response must verify. */
  readonly username?: string;
  readonly password?: string;
  /**
   * Use `username`/`password` as a long-term credential instead (RFC 8489 §9.2: 401 challenge,
   * realm, nonce, PASSWORD-ALGORITHMS negotiation, USERHASH when the server allows it).
   */
  readonly longTerm?: boolean;
  readonly software?: string;
  readonly crypto?: CryptoProvider;
}

/** The answer to {@link stunBindingRequest}. */
export interface StunBindingResult {
  readonly mappedAddress: SocketAddress;
  readonly rttMs: number;
  readonly server: SocketAddress;
  readonly localAddress: SocketAddress;
  readonly responseOrigin: SocketAddress | undefined;
  readonly otherAddress: SocketAddress | undefined;
}

/** Resolves `"host:port"` (or an address object) to an IP literal with `node:dns`. */
export async function resolveStunServer(server: string | SocketAddress): Promise<SocketAddress> {
  const a = typeof server === "string" ? parseSocketAddress(server) : server;
  if (ipFamily(a.address)) return a;
  const { address } = await lookup(a.address);
  return { address, port: a.port };
}

function open(server: SocketAddress, options: NodeStunClientOptions): Promise<Socket> {
  const v6 = ipFamily(server.address) === 6;
  return new Promise((resolve, reject) => {
    const socket = createSocket({ type: v6 ? "udp6" : "udp4" });
    socket.once("error", reject);
    socket.bind(options.localPort ?? 0, options.localAddress ?? (v6 ? "::" : "0.0.0.0"), () => {
      socket.off("error", reject);
      resolve(socket);
    });
  });
}

/**
 * Runs one sans-IO client core on a fresh UDP socket until `settle` resolves or rejects, then
 * closes everything.
 */
async function runOnSocket<Ev, T>(
  server: SocketAddress,
  options: NodeStunClientOptions,
  core: {
    handleDatagram(
      now: number,
      d: { from: SocketAddress; to?: SocketAddress; data: Uint8Array },
    ): unknown;
    handleTimeout(now: number): void;
    pollTransmit(): { to: SocketAddress; data: Uint8Array } | undefined;
    pollEvent(): Ev | undefined;
    pollTimeout(): number | undefined;
  },
  start: (local: SocketAddress) => void,
  onEvent: (ev: Ev, done: (r: T) => void, fail: (e: Error) => void) => void,
): Promise<T> {
  options.signal?.throwIfAborted();
  const socket = await open(server, options);
  const bound = socket.address();
  const local = { address: bound.address, port: bound.port };
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      loop.close();
      options.signal?.removeEventListener("abort", onAbort);
      socket.close(f);
    };
    const done = (r: T) => finish(() => resolve(r));
    const fail = (e: Error) => finish(() => reject(e));
    const onAbort = () => fail(options.signal?.reason ?? new Error("aborted"));
    const loop = new CoreLoop<Ev>(
      core,
      (t) => socket.send(t.data, t.to.port, t.to.address),
      (ev) => onEvent(ev, done, fail),
    );
    options.signal?.addEventListener("abort", onAbort, { once: true });
    socket.on("error", (err) => fail(err));
    socket.on("message", (data, rinfo) => {
      core.handleDatagram(monotonicNow(), {
        from: { address: rinfo.address, port: rinfo.port },
        to: local,
        data,
      });
      loop.drive();
    });
    start(local);
    loop.drive();
  });
}

/**
 * Sends one Binding request (RFC 8489 retransmission) and resolves with the mapped address and
 * RTT; rejects on timeout or an error response.
 */
export async function stunBindingRequest(
  server: string | SocketAddress,
  options: StunBindingRequestOptions = {},
): Promise<StunBindingResult> {
  const to = await resolveStunServer(server);
  const logger = options.logger ?? createLogger(debugLogSink(), "purertc:stun:client");
  const client = new StunBindingClient({
    transaction: options.transaction ?? {},
    software: options.software,
    logger,
  });
  const crypto = options.crypto ?? defaultCrypto;
  const hasCredential = options.password !== undefined && options.username !== undefined;
  if (options.longTerm && !hasCredential) {
    throw new TypeError("stunBindingRequest: longTerm needs a username and a password");
  }
  const longTerm =
    options.longTerm && hasCredential
      ? new LongTermCredentials({
          username: options.username!,
          password: options.password!,
          crypto,
        })
      : undefined;
  const integrity =
    options.password !== undefined && !longTerm
      ? StunIntegrityKey.shortTerm(options.password, crypto)
      : undefined;
  let localAddress: SocketAddress = { address: "", port: 0 };
  return runOnSocket<StunBindingEvent, StunBindingResult>(
    to,
    options,
    client,
    (local) => {
      localAddress = local;
      client.query(
        monotonicNow(),
        to,
        longTerm ? { longTerm } : { username: options.username, integrity },
      );
    },
    (ev, done, fail) => {
      if (ev.type === "success") {
        done({
          mappedAddress: ev.mappedAddress,
          rttMs: ev.rttMs,
          server: to,
          localAddress,
          responseOrigin: ev.responseOrigin,
          otherAddress: ev.otherAddress,
        });
      } else if (ev.type === "error") {
        const detail = ev.alternateServer
          ? ` (try ${formatSocketAddress(ev.alternateServer)})`
          : ev.authFailure
            ? ` (${ev.authFailure})`
            : "";
        fail(
          new Error(
            `STUN server ${formatSocketAddress(to)} answered ${ev.error.code} ${ev.error.reason}${detail}`,
          ),
        );
      } else {
        fail(new Error(`STUN binding request to ${formatSocketAddress(to)} timed out`));
      }
    },
  );
}

/** Options of {@link discoverNatBehavior}. */
export interface NatDiscoveryOptions extends NodeStunClientOptions {
  /** Run the hairpinning test (default true). */
  readonly testHairpinning?: boolean;
}

/** The local IP the kernel routes toward `to` (a connected throwaway UDP socket, no packet sent). */
export function localAddressToward(to: SocketAddress): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = createSocket({ type: ipFamily(to.address) === 6 ? "udp6" : "udp4" });
    s.once("error", (e) => s.close(() => reject(e)));
    s.connect(to.port, to.address, () => {
      const { address } = s.address();
      s.close(() => resolve(address));
    });
  });
}

/**
 * Runs the RFC 5780 tests against an RFC 5780 capable server and resolves with the report
 * (never rejects for network reasons: the report's `error` says what failed).
 */
export async function discoverNatBehavior(
  server: string | SocketAddress,
  options: NatDiscoveryOptions = {},
): Promise<NatBehaviorReport> {
  const to = await resolveStunServer(server);
  const logger = options.logger ?? createLogger(debugLogSink(), "purertc:stun:client");
  // Bind to a concrete IP so that "no NAT" (mapped = local) can be recognised.
  const localAddress = options.localAddress ?? (await localAddressToward(to));
  let discovery: NatBehaviorDiscovery | undefined;
  const proxy = {
    handleDatagram: (now: number, d: Parameters<NatBehaviorDiscovery["handleDatagram"]>[1]) =>
      discovery!.handleDatagram(now, d),
    handleTimeout: (now: number) => discovery!.handleTimeout(now),
    pollTransmit: () => discovery?.pollTransmit(),
    pollEvent: () => discovery?.pollEvent(),
    pollTimeout: () => discovery?.pollTimeout(),
  };
  return runOnSocket(
    to,
    { ...options, localAddress },
    proxy,
    (local) => {
      const wildcard = local.address === "0.0.0.0" || local.address === "::";
      discovery = new NatBehaviorDiscovery({
        server: to,
        localAddress: wildcard ? undefined : local,
        testHairpinning: options.testHairpinning ?? true,
        ...(options.transaction ? { transaction: options.transaction } : {}),
        logger,
      });
      discovery.start(monotonicNow());
    },
    (ev, done) => done(ev.report),
  );
}
