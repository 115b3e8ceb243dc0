/**
 * The state one `RTCPeerConnection` shares with its parts (negotiation, data channels, core
 * event dispatch): options, configuration, JSEP session, runner, ICE credentials and
 * candidates, the W3C state attributes and transports, and the two chains of webrtc-pc §4.4.1:
 * the operations chain and the queued tasks (`setImmediate`, never inside the drain loop).
 */
import { createLogger, Fifo, type Logger, type Rng, secureRng } from "@purertc/common";
import { debugLogSink } from "@purertc/common/node";
import type { CryptoProvider } from "@purertc/crypto";
import { nodeCrypto } from "@purertc/crypto/node";
import { generateCredentials, type IceCandidate, type IceCredentials } from "@purertc/ice";
import type { PeerConnectionState } from "../connection-state.js";
import { JsepSession } from "../jsep/session.js";
import type { SignalingState } from "../jsep/signaling.js";
import { createCertificate, type RTCCertificate } from "./certificate.js";
import {
  type IceServerUrl,
  type RTCConfiguration,
  type ValidConfiguration,
  validateConfiguration,
} from "./configuration.js";
import { domError, toW3cError } from "./errors.js";
import type { WebRtcOptions } from "./options.js";
import type { PeerRunner, RunnerTurnServer } from "./runner.js";
import {
  RTCDtlsTransport,
  type RTCIceGathererState,
  RTCIceTransport,
  type RTCIceTransportState,
  type RTCSctpTransport,
  type TransportSource,
} from "./transports.js";

/** Ours (`a=max-message-size`): 256 KiB, as Firefox and Chromium accept. */
const DEFAULT_MAX_MESSAGE_SIZE = 262144;

export type Task = () => void;

let sharedLogger: Logger | undefined;
/** `DEBUG=purertc:*` enables scopes (the `debug` package convention). */
function defaultLogger(): Logger {
  sharedLogger ??= createLogger(debugLogSink(), "purertc:peer");
  return sharedLogger;
}

/** A default certificate is replaced once it has less than this left before it expires. */
const RENEW_BEFORE_MS = 24 * 60 * 60 * 1000;

const defaults = new WeakMap<WebRtcOptions, RTCCertificate>();
const rngs = new WeakMap<WebRtcOptions, Rng>();

/** One pooled `secureRng` per factory, not a 1 KiB pool per connection. */
function factoryRng(opts: WebRtcOptions): Rng {
  let rng = rngs.get(opts);
  if (rng === undefined) {
    rng = secureRng();
    rngs.set(opts, rng);
  }
  return rng;
}

/**
 * With `shareCertificate`, the certificate of a connection created without `certificates`: one
 * ECDSA P-256 certificate per `createWebRtc()` factory, generated at its first connection and
 * replaced a day before it expires (see {@link WebRtcOptions.shareCertificate}).
 */
function defaultCertificate(opts: WebRtcOptions, crypto: CryptoProvider): RTCCertificate {
  const now = Date.now();
  const cached = defaults.get(opts);
  if (cached && cached.expires - now > RENEW_BEFORE_MS) return cached;
  const fresh = createCertificate(crypto, undefined, now);
  defaults.set(opts, fresh);
  return fresh;
}

/** The InvalidStateError of every method called on a closed connection. */
export function closedError(): Error {
  return domError("InvalidStateError", "the RTCPeerConnection is closed");
}

export class PeerContext {
  /** The `RTCPeerConnection` its events are dispatched on. */
  readonly target: EventTarget;
  readonly opts: WebRtcOptions;
  readonly crypto: CryptoProvider;
  readonly rng: Rng;
  readonly log: Logger;
  config: ValidConfiguration;
  servers: IceServerUrl[];
  turnServers: RunnerTurnServer[] = [];
  readonly certificate: RTCCertificate;
  readonly jsep: JsepSession;
  runner: PeerRunner | undefined;
  runnerReady: Promise<void> | undefined;
  creds: IceCredentials;
  nextCreds: IceCredentials | undefined;
  restartPending = false;
  remoteCreds: IceCredentials | undefined;
  deferredRemote: { creds: IceCredentials; lite: boolean } | undefined;
  gathering = false;
  closed = false;
  localCandidates: IceCandidate[] = [];
  remoteCandidates: IceCandidate[] = [];
  signalingState: SignalingState = "stable";
  iceGatheringState: RTCIceGathererState = "new";
  iceConnectionState: RTCIceTransportState = "new";
  connectionState: PeerConnectionState = "new";
  readonly iceTransport: RTCIceTransport;
  readonly dtlsTransport: RTCDtlsTransport;
  sctp: RTCSctpTransport | null = null;
  readonly cname: string;
  #ops: Promise<unknown> = Promise.resolve();
  readonly #tasks = new Fifo<Task>();

  constructor(target: EventTarget, opts: WebRtcOptions, configuration?: RTCConfiguration) {
    this.target = target;
    this.opts = opts;
    this.crypto = opts.crypto ?? nodeCrypto;
    this.rng = opts.rng ?? factoryRng(opts);
    this.log = (opts.logger ?? defaultLogger()).child("pc");
    const v = validateConfiguration(configuration);
    this.config = v.config;
    this.servers = v.servers;
    this.certificate =
      v.config.certificates[0] ??
      (opts.shareCertificate
        ? defaultCertificate(opts, this.crypto)
        : createCertificate(this.crypto, undefined, Date.now()));
    this.jsep = new JsepSession(String(BigInt(this.rng.nextU32()) * 1_000_000n + 1n));
    this.creds = generateCredentials(this.rng);
    const src = this.source();
    this.iceTransport = new RTCIceTransport(src);
    this.dtlsTransport = new RTCDtlsTransport(src, this.iceTransport);
    this.cname =
      this.rng.nextU32().toString(36) +
      this.rng.nextU32().toString(36) +
      this.rng.nextU32().toString(36);
  }

  /** Our `a=max-message-size` and SCTP receive limit (0 = unlimited). */
  get maxMessageSize(): number {
    return this.opts.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
  }

  dispatch(event: Event): void {
    this.target.dispatchEvent(event);
  }

  /**
   * Queues a task (HTML "queue a task"); tasks stop running once the connection closes. Each
   * task gets its own `setImmediate`, and Node runs the microtask queue between immediates, so
   * a promise resolved by one event's handler settles before the next event, as between a
   * browser's tasks: a `message` listener attached after `await`ing the `datachannel` event
   * still gets the first message (webrtc-pc §6.2 queues one task per message).
   */
  queue(task: Task): void {
    this.#tasks.push(task);
    setImmediate(this.#runTask);
  }

  /** Drops the tasks not run yet (close). */
  clearTasks(): void {
    this.#tasks.clear();
  }

  readonly #runTask = (): void => {
    const task = this.#tasks.shift();
    if (task !== undefined && !this.closed) task();
  };

  /** webrtc-pc §4.4.1.2 "chain an operation"; errors come out as W3C errors. */
  chain<T>(fn: () => T | Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    const p = this.#ops.then(async () => {
      if (this.closed) throw closedError();
      try {
        return await fn();
      } catch (e) {
        throw toW3cError(e);
      }
    });
    this.#ops = p.catch(() => {});
    return p;
  }

  /** The bundle's mid: the first of the local description, "0" before one. */
  bundleMid(): string {
    const l = this.jsep.localTransport;
    return l?.mids.find((m) => m !== undefined) ?? "0";
  }

  /** What the transport objects read. */
  source(): TransportSource {
    return {
      iceRole: () => this.runner?.core.iceRole ?? "unknown",
      localCandidates: () => this.localCandidates,
      remoteCandidates: () => this.remoteCandidates,
      selectedPair: () => this.runner?.core.selectedPair,
      localParameters: () => ({ usernameFragment: this.creds.ufrag, password: this.creds.pwd }),
      remoteParameters: () =>
        this.remoteCreds
          ? { usernameFragment: this.remoteCreds.ufrag, password: this.remoteCreds.pwd }
          : null,
      remoteCertificates: () => {
        const der = this.runner?.core.remoteCertificate;
        return der ? [der.slice().buffer] : [];
      },
      sctpMaxMessageSize: () => {
        const remote = this.runner?.core.remoteMaxMessageSize ?? 65536;
        const local = this.maxMessageSize;
        if (remote === 0) return local === 0 ? Number.POSITIVE_INFINITY : local;
        return local === 0 ? remote : Math.min(remote, local);
      },
    };
  }
}
