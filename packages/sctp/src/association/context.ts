/**
 * The state one {@link SctpAssociation} shares between its parts (handshake, data path,
 * shutdown, heartbeat, abort/error handling, chunk dispatch) and the few operations all of them
 * use. Internal: the association keeps it in a private field; the modules beside this one act
 * on it.
 */
import { Fifo, type Logger, type Millis, TimerTable } from "@purertc/common";
import { resolveSctpConfig, type SctpConfig } from "../config.js";
import { type ErrorCause, protocolViolationCause } from "../error-causes.js";
import type { CloseReason, SctpEvent } from "../events.js";
import type { Pending } from "./handshake.js";
import { Outbox } from "./outbox.js";
import { PathMtu } from "./path-mtu.js";
import type { ReConfigHandler } from "./re-config-handler.js";
import { Rto } from "./rto.js";
import { SendQueue } from "./send-queue.js";
import { StateCookieSigner } from "./state-cookie.js";
import type { Tcb, TimerName } from "./tcb.js";

/** Association states (RFC 9260 §4). */
export type AssociationState =
  | "closed"
  | "cookie-wait"
  | "cookie-echoed"
  | "established"
  | "shutdown-pending"
  | "shutdown-sent"
  | "shutdown-received"
  | "shutdown-ack-sent";

/** Packet-level counters reported by `stats()`. */
export interface PacketCounters {
  packetsSent: number;
  packetsReceived: number;
  bytesSent: number;
  bytesReceived: number;
  checksumErrors: number;
  decodeErrors: number;
  droppedPackets: number;
}

/** The shared state of one association. */
export class AssociationContext {
  readonly config: SctpConfig;
  readonly log: Logger;
  readonly signer: StateCookieSigner;
  readonly timers = new TimerTable<TimerName>();
  readonly events = new Fifo<SctpEvent>();
  readonly out: Outbox;
  readonly sendQueue: SendQueue;
  readonly rto: Rto;
  /** Path MTU discovery (RFC 8899): the size of the packets we build. */
  readonly pmtu: PathMtu;
  readonly localTag: number;
  readonly localInitialTsn: number;
  readonly counters: PacketCounters = {
    packetsSent: 0,
    packetsReceived: 0,
    bytesSent: 0,
    bytesReceived: 0,
    checksumErrors: 0,
    decodeErrors: 0,
    droppedPackets: 0,
  };
  state: AssociationState = "closed";
  ended = false;
  /** The time of the API call or input being processed. */
  now: Millis = 0;
  /** What the handshake learned before the TCB exists. */
  pending: Pending | undefined;
  /** The data path, from the moment the association is established. */
  tcb: Tcb | undefined;
  reconfig: ReConfigHandler | undefined;
  peerTag = 0;
  /** INIT / COOKIE ECHO retransmissions so far (RFC 9260 §5.1). */
  initCount = 0;
  /** Consecutive errors toward Association.Max.Retrans (RFC 9260 §8.1). */
  errorCount = 0;
  heartbeatNonce = 0;
  heartbeatOutstanding = false;

  constructor(config: Partial<SctpConfig>) {
    this.config = resolveSctpConfig(config);
    this.log = this.config.logger.child("sctp:association");
    const rng = this.config.rng;
    const key = rng.fill(new Uint8Array(32));
    this.signer = new StateCookieSigner(this.config.crypto.createHmac("sha256", key));
    this.sendQueue = new SendQueue(this.events);
    this.out = new Outbox(this.config.localPort, this.config.remotePort);
    this.pmtu = new PathMtu(this.config.mtu, this.config.maxMtu);
    this.rto = new Rto(this.config.rtoInitialMs, this.config.rtoMinMs, this.config.rtoMaxMs);
    let tag = 0;
    while (tag === 0) tag = rng.nextU32(); // RFC 9260 §5.3.1: a non-zero random tag
    this.localTag = tag;
    this.localInitialTsn = rng.nextU32();
  }

  /** States in which we may send DATA (RFC 9260 §9.2: none once SHUTDOWN is sent). */
  get dataAllowed(): boolean {
    const s = this.state;
    return s === "established" || s === "shutdown-pending" || s === "shutdown-received";
  }

  /** States in which received DATA is processed (RFC 9260 §9.2). */
  get acceptsData(): boolean {
    const s = this.state;
    return s === "established" || s === "shutdown-pending" || s === "shutdown-sent";
  }

  /** States in which `send()` is refused. */
  get closing(): boolean {
    const s = this.state;
    return (
      s === "shutdown-pending" ||
      s === "shutdown-sent" ||
      s === "shutdown-received" ||
      s === "shutdown-ack-sent"
    );
  }

  sendAbort(causes: readonly ErrorCause[]): void {
    this.out.packet(this.peerTag, { kind: "abort", reflectedTag: false, causes });
  }

  sendError(causes: readonly ErrorCause[]): void {
    this.out.chunk({ kind: "error", causes });
  }

  /** Ends the association once: timers and queued control output go, `closed` is reported. */
  end(reason: CloseReason, causes?: readonly ErrorCause[]): void {
    if (this.ended) return;
    this.ended = true;
    this.state = "closed";
    this.timers.clearAll();
    this.out.clear();
    this.log.debug("association ended", { reason });
    this.events.push(causes ? { type: "closed", reason, causes } : { type: "closed", reason });
  }

  /** Ends with an ABORT to the peer when it knows of the association (RFC 9260 §9.1). */
  fail(reason: CloseReason): void {
    if (this.state !== "closed" && this.state !== "cookie-wait")
      this.sendAbort([protocolViolationCause(reason)]);
    this.end(reason);
  }

  /** Counts one error toward Association.Max.Retrans (RFC 9260 §8.1); true when it failed. */
  countError(): boolean {
    if (++this.errorCount > this.config.maxRetransmissions) {
      this.fail("max-retransmissions");
      return true;
    }
    return false;
  }
}
