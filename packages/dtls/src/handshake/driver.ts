import {
  formatSocketAddress,
  isDecodeError,
  type Millis,
  type SocketAddress,
} from "@purertc/common";
import { AlertDescription } from "../alert.js";
import type { DtlsConfig } from "../config.js";
import { ContentType, HandshakeType } from "../constants.js";
import type { DtlsFailureReason } from "../events.js";
import { type FlightEntry, FlightState, writeFlight } from "../flight.js";
import type { DtlsRecord } from "../record/record.js";
import type { RecordCipher } from "../record/record-cipher.js";
import type { RecordLayer } from "../record/record-layer.js";
import type { MutableDtlsStats } from "../stats.js";
import { ClientHandshake } from "./client.js";
import {
  decodeHandshakeFragments,
  encodeHandshakeFragment,
  type HandshakeFragment,
} from "./header.js";
import type { HandshakeHost, HandshakeMachine, HandshakeResult } from "./host.js";
import { Reassembler } from "./reassembler.js";
import { ServerHandshake } from "./server.js";

/** Least time between two resends triggered by the peer's retransmissions. */
const RESEND_GUARD_MS = 100;

/** Records of the next epoch kept while its ChangeCipherSpec is still missing (reordering). */
const MAX_EARLY_RECORDS = 16;

/** What the endpoint gives the driver: records, counters, outcome reporting. */
export interface DriverOwner {
  readonly layer: RecordLayer;
  readonly stats: MutableDtlsStats;
  /** The source of the datagram being handled, if any. */
  readonly from: SocketAddress | undefined;
  /** Whether the association is still handshaking (not failed, closed or finished). */
  readonly handshaking: boolean;
  /** Queues a datagram to `to` outside the record packer (stateless HelloVerifyRequest). */
  sendDatagram(data: Uint8Array, to: SocketAddress): void;
  /** Handles a record again (one kept for the next epoch, once that epoch is readable). */
  replayRecord(now: Millis, record: DtlsRecord): void;
  /** The machine moved past its stateless phase: the current source becomes the peer. */
  peerChosen(): void;
  checkPeerCertificate(der: Uint8Array): boolean;
  complete(now: Millis, result: HandshakeResult): void;
  fail(reason: DtlsFailureReason, alert: number | undefined, message: string): void;
  keyLog(clientRandom: Uint8Array, masterSecret: Uint8Array): void;
  /** An authenticated new handshake after completion: we never renegotiate (RFC 5746 §4.5). */
  refuseRenegotiation(): void;
}

/**
 * Runs the handshake between the record layer and the client or server machine (RFC 6347
 * §4.2): reassembles fragments in message_seq order, holds early ChangeCipherSpec and next-epoch
 * records until they can be used, sends flights and retransmits them on timeout or when the
 * peer retransmits its own.
 */
export class HandshakeDriver implements HandshakeHost {
  readonly config: DtlsConfig;
  /**
   * The client or server machine (transcript, key exchange, negotiated state); dropped once the
   * handshake is over (see {@link release}): an idle connection keeps only what answering a
   * retransmission needs.
   */
  #machine: HandshakeMachine | undefined;
  readonly #owner: DriverOwner;
  readonly #reassembler: Reassembler;
  readonly #flight: FlightState;
  #pendingCcs = false;
  #early: DtlsRecord[] = [];
  /** The epoch our alerts go out in: 1 once we have sent ChangeCipherSpec. */
  alertEpoch = 0;

  constructor(config: DtlsConfig, owner: DriverOwner) {
    this.config = config;
    this.#owner = owner;
    this.#reassembler = new Reassembler(config.maxHandshakeBufferBytes);
    this.#flight = new FlightState(config.initialRetransmitMs, config.maxRetransmitMs);
    this.#machine =
      config.role === "client"
        ? new ClientHandshake(this)
        : new ServerHandshake(this, () => (owner.from ? formatSocketAddress(owner.from) : ""));
  }

  /** Starts the machine: a client sends its ClientHello. */
  start(now: Millis): void {
    this.#machine?.start(now);
  }

  /**
   * The handshake is over: the machine goes. A server keeps its last flight (ChangeCipherSpec
   * and Finished): a client that did not get it retransmits its own, which must be answered
   * (RFC 6347 §4.2.4). A client received the server's Finished, which proves the server has its
   * flight, so it keeps nothing to resend.
   */
  release(): void {
    this.#machine = undefined;
    this.#early = [];
    if (this.config.role === "client") this.#flight.clear();
  }

  /** When the flight timer fires, if armed. */
  get retransmitDeadline(): Millis | undefined {
    return this.#flight.deadline;
  }

  /** The flight timer fired: back off and retransmit the whole flight (RFC 6347 §4.2.4). */
  retransmit(now: Millis): void {
    if (this.#flight.deadline === undefined || this.#flight.deadline > now) return;
    this.#flight.expired(now);
    this.#owner.stats.retransmissions++;
    writeFlight(this.#owner.layer, this.#flight.entries);
  }

  /** Stops the flight timer (the last flight stays available for peer-triggered resends). */
  stopTimer(): void {
    this.#flight.stop();
  }

  /** Forgets the flight and the machine (the association is over). */
  clear(): void {
    this.#flight.clear();
    this.#early = [];
    this.#machine = undefined;
  }

  /** Keeps a record of the next epoch until the peer's ChangeCipherSpec makes it readable. */
  keepEarly(record: DtlsRecord): boolean {
    const layer = this.#owner.layer;
    if (record.epoch !== layer.readEpoch + 1 || !layer.hasReadEpoch(record.epoch)) return false;
    if (this.#early.length >= MAX_EARLY_RECORDS) return false;
    this.#early.push({ ...record, fragment: record.fragment.slice() });
    return true;
  }

  /** A handshake record's plaintext: fragments into reassembly, complete messages to the machine. */
  handshakeRecord(now: Millis, record: DtlsRecord, plaintext: Uint8Array): void {
    const stats = this.#owner.stats;
    let fragments: HandshakeFragment[];
    try {
      fragments = decodeHandshakeFragments(plaintext);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      stats.malformedDropped++;
      return;
    }
    const machine = this.#machine;
    const handshaking = this.#owner.handshaking && machine !== undefined;
    const readEpoch = this.#owner.layer.readEpoch;
    let peerRetransmitted = false;
    let renegotiation = false;
    for (const f of fragments) {
      // Finished is only valid under the new epoch's keys (RFC 5246 §7.4.9).
      if (f.msgType === HandshakeType.finished && record.epoch === 0) {
        stats.unexpectedDropped++;
        continue;
      }
      if (!handshaking) {
        if (f.messageSeq < this.#reassembler.nextSeq) peerRetransmitted = true;
        else if (record.epoch > 0) renegotiation = true;
        continue;
      }
      if (
        machine!.stateless &&
        f.msgType === HandshakeType.client_hello &&
        f.messageSeq !== this.#reassembler.nextSeq
      ) {
        this.#reassembler.reset(f.messageSeq);
      }
      // An older epoch may only repeat messages we already have.
      if (record.epoch < readEpoch && f.messageSeq >= this.#reassembler.nextSeq) {
        stats.epochDropped++;
        continue;
      }
      const outcome = this.#reassembler.add(f);
      if (outcome === "old") peerRetransmitted = true;
      else if (outcome === "dropped") stats.fragmentsDropped++;
    }
    if (handshaking) this.#processMessages(now, record);
    if (peerRetransmitted) this.#resendOnPeerRetransmit(now);
    if (renegotiation) this.#owner.refuseRenegotiation();
  }

  #processMessages(now: Millis, record: DtlsRecord): void {
    for (let machine = this.#machine; machine && this.#owner.handshaking; machine = this.#machine) {
      const msg = this.#reassembler.pop();
      if (msg === undefined) return;
      try {
        machine.handleMessage(now, {
          ...msg,
          recordSeq: record.sequenceNumber,
          epoch: record.epoch,
        });
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        this.#owner.fail(
          "protocol-violation",
          AlertDescription.decode_error,
          `malformed handshake message ${msg.msgType}: ${e.message}`,
        );
        return;
      }
      if (!machine.stateless) this.#owner.peerChosen();
      this.#applyChangeCipherSpec(now);
    }
  }

  /**
   * RFC 6347 §4.2.4: a peer that retransmits its last flight has not heard ours, so we resend it.
   * Rate-limited so that the several datagrams (and duplicates) of one retransmitted flight get
   * one answer, while a peer with a short timer (browsers use well under a second) is still
   * answered on each of its retransmissions.
   */
  #resendOnPeerRetransmit(now: Millis): void {
    if (this.#flight.entries.length === 0) return;
    const guard = Math.min(RESEND_GUARD_MS, this.config.initialRetransmitMs / 2);
    if (now - this.#flight.lastSentAt < guard) return;
    this.#flight.resent(now);
    this.#owner.stats.retransmissions++;
    writeFlight(this.#owner.layer, this.#flight.entries);
  }

  /** The peer's ChangeCipherSpec (RFC 5246 §7.1); applied once the machine is ready for it. */
  changeCipherSpec(now: Millis, record: DtlsRecord, plaintext: Uint8Array): void {
    if (plaintext.byteLength !== 1 || plaintext[0] !== 1) {
      this.#owner.stats.malformedDropped++;
      return;
    }
    // Only the first CCS of epoch 0 counts; later copies are retransmissions.
    if (!this.#owner.handshaking || record.epoch !== 0 || this.#owner.layer.readEpoch !== 0) return;
    this.#pendingCcs = true;
    this.#applyChangeCipherSpec(now);
  }

  #applyChangeCipherSpec(now: Millis): void {
    const layer = this.#owner.layer;
    const machine = this.#machine;
    if (!this.#pendingCcs || !machine?.expectsChangeCipherSpec || !layer.hasReadEpoch(1)) return;
    this.#pendingCcs = false;
    layer.switchReadEpoch(1);
    machine.changeCipherSpecReceived();
    const early = this.#early;
    this.#early = [];
    for (const r of early) this.#owner.replayRecord(now, r);
  }

  sendFlight(now: Millis, entries: readonly FlightEntry[], final: boolean): void {
    this.#flight.begin(now, entries, final);
    for (const e of entries) if (e.kind === "change_cipher_spec") this.alertEpoch = e.epoch + 1;
    writeFlight(this.#owner.layer, entries);
  }

  sendHelloVerifyRequest(body: Uint8Array, recordSeq: number, messageSeq: number): void {
    const to = this.#owner.from;
    if (to === undefined) return;
    const fragment = encodeHandshakeFragment({
      msgType: HandshakeType.hello_verify_request,
      length: body.byteLength,
      messageSeq,
      fragmentOffset: 0,
      body,
    });
    this.#owner.sendDatagram(
      this.#owner.layer.sealRecord(ContentType.handshake, 0, fragment, recordSeq),
      to,
    );
  }

  installKeys(write: RecordCipher, read: RecordCipher): void {
    this.#owner.layer.addWriteEpoch(write);
    this.#owner.layer.addReadEpoch(read);
  }

  checkPeerCertificate(der: Uint8Array): boolean {
    return this.#owner.checkPeerCertificate(der);
  }

  complete(now: Millis, result: HandshakeResult): void {
    this.#owner.complete(now, result);
  }

  fail(reason: DtlsFailureReason, alert: number, message: string): void {
    this.#owner.fail(reason, alert, message);
  }

  keyLog(clientRandom: Uint8Array, masterSecret: Uint8Array): void {
    this.#owner.keyLog(clientRandom, masterSecret);
  }
}
