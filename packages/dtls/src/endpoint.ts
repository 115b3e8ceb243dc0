import {
  ByteReader,
  type Datagram,
  type Endpoint,
  Fifo,
  formatSocketAddress,
  isDecodeError,
  type Logger,
  type Millis,
  type SocketAddress,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import { AlertDescription, AlertLevel, alertName, decodeAlert, encodeAlert } from "./alert.js";
import { type DtlsConfig, type DtlsFingerprint, resolveDtlsConfig } from "./config.js";
import { ContentType, HandshakeType, MAX_PLAINTEXT_LENGTH } from "./constants.js";
import type { DtlsEvent, DtlsFailureReason } from "./events.js";
import { certificateMatchesFingerprints } from "./fingerprint.js";
import { type FlightEntry, FlightState, writeFlight } from "./flight.js";
import { ClientHandshake } from "./handshake/client.js";
import {
  decodeHandshakeFragments,
  encodeHandshakeFragment,
  type HandshakeFragment,
} from "./handshake/header.js";
import type { HandshakeHost, HandshakeMachine, HandshakeResult } from "./handshake/host.js";
import { Reassembler } from "./handshake/reassembler.js";
import { ServerHandshake } from "./handshake/server.js";
import { nssKeyLogLine } from "./key-log.js";
import { exportKeyingMaterial } from "./key-schedule.js";
import { type DtlsRecord, readRecord } from "./record/record.js";
import type { RecordCipher } from "./record/record-cipher.js";
import { RecordLayer } from "./record/record-layer.js";
import { type DtlsStats, emptyDtlsStats } from "./stats.js";

/** Where an endpoint is in its life. */
export type DtlsState =
  | "new"
  | "handshaking"
  | "awaiting-fingerprint"
  | "connected"
  | "closed"
  | "failed";

type TimerName = "retransmit" | "handshake";

/** Records of the next epoch kept while its ChangeCipherSpec is still missing (reordering). */
const MAX_EARLY_RECORDS = 16;

/**
 * A DTLS 1.2 endpoint (RFC 6347) for one peer, client or server, as a sans-IO machine: feed it
 * datagrams and timeouts, drain `pollTransmit()` / `pollEvent()`, arm one timer at `pollTimeout()`.
 *
 * ```ts
 * const dtls = new DtlsEndpoint({ role: "client", certificate, remoteFingerprints, remoteAddress });
 * dtls.start(now);
 * // on datagram: dtls.handleDatagram(now, dgram); on timer: dtls.handleTimeout(now); then drain.
 * ```
 */
export class DtlsEndpoint implements Endpoint<DtlsEvent> {
  readonly #config: DtlsConfig;
  readonly #log: Logger;
  readonly #layer: RecordLayer;
  readonly #reassembler: Reassembler;
  readonly #flight: FlightState;
  readonly #machine: HandshakeMachine;
  readonly #timers = new TimerTable<TimerName>();
  readonly #transmits = new Fifo<Transmit>();
  readonly #events = new Fifo<DtlsEvent>();
  readonly #stats = emptyDtlsStats();
  #state: DtlsState = "new";
  #remote: SocketAddress | undefined;
  #from: SocketAddress | undefined;
  #fingerprints: readonly DtlsFingerprint[];
  #peerLeaf: Uint8Array | undefined;
  #result: HandshakeResult | undefined;
  #pendingCcs = false;
  #early: DtlsRecord[] = [];
  #alertEpoch = 0;

  constructor(config: Partial<DtlsConfig> & Pick<DtlsConfig, "role" | "certificate">) {
    this.#config = resolveDtlsConfig(config);
    const c = this.#config;
    this.#log = c.logger.child(`dtls:${c.role}`);
    this.#layer = new RecordLayer(c.mtu);
    this.#reassembler = new Reassembler(c.maxHandshakeBufferBytes);
    this.#flight = new FlightState(c.initialRetransmitMs, c.maxRetransmitMs);
    this.#remote = c.remoteAddress;
    this.#fingerprints = c.remoteFingerprints;
    const host: HandshakeHost = {
      config: c,
      sendFlight: (now, entries, final) => this.#sendFlight(now, entries, final),
      sendHelloVerifyRequest: (body, recordSeq, messageSeq) =>
        this.#sendHelloVerifyRequest(body, recordSeq, messageSeq),
      installKeys: (write, read) => this.#installKeys(write, read),
      checkPeerCertificate: (der) => this.#checkPeerCertificate(der),
      complete: (now, result) => this.#complete(now, result),
      fail: (reason, alert, message) => this.#fail(reason, alert, message),
      keyLog: (clientRandom, masterSecret) => {
        if (c.keyLog)
          this.#events.push({ type: "keylog", line: nssKeyLogLine(clientRandom, masterSecret) });
      },
    };
    this.#machine =
      c.role === "client"
        ? new ClientHandshake(host)
        : new ServerHandshake(host, () => (this.#from ? formatSocketAddress(this.#from) : ""));
  }

  get role(): "client" | "server" {
    return this.#config.role;
  }

  get state(): DtlsState {
    return this.#state;
  }

  /** Starts the handshake: a client sends its ClientHello; a server starts waiting. */
  start(now: Millis): void {
    if (this.#state !== "new") throw new TypeError(`start() in state ${this.#state}`);
    if (this.#config.role === "client" && this.#remote === undefined) {
      throw new TypeError(
        "a client needs remoteAddress (config or setRemoteAddress) before start()",
      );
    }
    this.#state = "handshaking";
    this.#timers.set("handshake", now + this.#config.handshakeTimeoutMs);
    this.#machine.start(now);
    this.#flushRecords();
  }

  /** Sets (or moves) where datagrams go, e.g. when ICE selects another pair. */
  setRemoteAddress(address: SocketAddress): void {
    this.#remote = address;
  }

  /**
   * Sets the expected peer fingerprints (from the remote SDP). If the handshake already finished
   * and was waiting for them, the peer certificate is checked now.
   */
  setRemoteFingerprints(fingerprints: readonly DtlsFingerprint[]): void {
    this.#fingerprints = fingerprints;
    if (this.#peerLeaf === undefined || fingerprints.length === 0) return;
    if (this.#state === "handshaking") this.#checkPeerCertificate(this.#peerLeaf);
    else if (this.#state === "awaiting-fingerprint" && this.#checkPeerCertificate(this.#peerLeaf))
      this.#connect();
    this.#flushRecords();
  }

  handleDatagram(now: Millis, dgram: Datagram): void {
    this.#stats.datagramsReceived++;
    this.#stats.bytesReceived += dgram.data.byteLength;
    if (this.#state === "new" || this.#state === "closed" || this.#state === "failed") {
      if (!(this.#state === "new" && this.#config.role === "server")) {
        this.#stats.unexpectedDropped++;
        return;
      }
      this.#state = "handshaking";
      this.#timers.set("handshake", now + this.#config.handshakeTimeoutMs);
    }
    this.#from = dgram.from;
    const reader = new ByteReader(dgram.data, "dtls-record");
    while (reader.remaining > 0 && this.#isOpen()) {
      let record: DtlsRecord;
      try {
        record = readRecord(reader);
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        this.#stats.malformedDropped++;
        break;
      }
      this.#handleRecord(now, record);
    }
    this.#from = undefined;
    this.#flushRecords();
  }

  handleTimeout(now: Millis): void {
    for (const t of this.#timers.expire(now)) {
      if (t === "handshake") {
        this.#fail(
          "handshake-timeout",
          undefined,
          `no handshake after ${this.#config.handshakeTimeoutMs} ms`,
        );
      } else if (this.#flight.deadline !== undefined && this.#state === "handshaking") {
        this.#flight.expired(now);
        this.#stats.retransmissions++;
        this.#log.debug("flight retransmit", { timeoutMs: this.#flight.timeoutMs });
        writeFlight(this.#layer, this.#flight.entries);
        this.#armRetransmit();
      }
    }
    this.#flushRecords();
  }

  /** Sends application data in one record (RFC 6347 §4.1.1: one record, never split). */
  send(data: Uint8Array): void {
    if (this.#state !== "connected") throw new TypeError(`send() in state ${this.#state}`);
    if (data.byteLength > MAX_PLAINTEXT_LENGTH)
      throw new RangeError(`record of ${data.byteLength} bytes exceeds 2^14`);
    this.#push(this.#layer.sealRecord(ContentType.application_data, this.#layer.writeEpoch, data));
  }

  /** Sends close_notify (RFC 5246 §7.2.1) and closes; a `closed` event follows. */
  close(): void {
    if (this.#state === "closed" || this.#state === "failed") return;
    const wasOpen = this.#state !== "new";
    this.#state = "closed";
    this.#timers.clearAll();
    this.#flight.clear();
    if (wasOpen) this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.#events.push({ type: "closed", initiator: "local" });
    this.#flushRecords();
  }

  /**
   * Keying material exporter (RFC 5705), e.g. `("EXTRACTOR-dtls_srtp", 2 * (key + salt))` for
   * DTLS-SRTP (RFC 5764 §4.2). Available once connected.
   */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    const r = this.#result;
    if (r === undefined || this.#state !== "connected")
      throw new TypeError("exporter used before the handshake completed");
    return exportKeyingMaterial(
      this.#config.crypto,
      r.suite,
      r.masterSecret,
      r.clientRandom,
      r.serverRandom,
      label,
      length,
      context,
    );
  }

  pollTransmit(): Transmit | undefined {
    return this.#transmits.shift();
  }

  pollEvent(): DtlsEvent | undefined {
    return this.#events.shift();
  }

  pollTimeout(): Millis | undefined {
    return this.#timers.next();
  }

  stats(): DtlsStats {
    return { ...this.#stats };
  }

  #isOpen(): boolean {
    return this.#state !== "failed" && this.#state !== "closed";
  }

  #handleRecord(now: Millis, record: DtlsRecord): void {
    this.#stats.recordsReceived++;
    // RFC 6347 §4.1: every DTLS version is {254, x}.
    if (record.version >> 8 !== 0xfe) {
      this.#stats.malformedDropped++;
      return;
    }
    const readEpoch = this.#layer.readEpoch;
    if (record.epoch > readEpoch) {
      // RFC 6347 §4.1: records of the next epoch MAY be kept until its ChangeCipherSpec arrives.
      if (
        record.epoch === readEpoch + 1 &&
        this.#layer.hasReadEpoch(record.epoch) &&
        this.#early.length < MAX_EARLY_RECORDS
      ) {
        this.#early.push({ ...record, fragment: record.fragment.slice() });
      } else {
        this.#stats.epochDropped++;
      }
      return;
    }
    // An older epoch may only carry retransmitted handshake messages and ChangeCipherSpec.
    if (
      record.epoch < readEpoch &&
      record.contentType !== ContentType.handshake &&
      record.contentType !== ContentType.change_cipher_spec
    ) {
      this.#stats.epochDropped++;
      return;
    }
    const plaintext = this.#layer.unprotect(record);
    if (plaintext === undefined) {
      const why = this.#layer.lastDrop;
      if (why === "bad-mac") this.#stats.badMacDropped++;
      else if (why === "replayed") this.#stats.replayDropped++;
      else this.#stats.epochDropped++;
      return;
    }
    switch (record.contentType) {
      case ContentType.handshake:
        this.#handleHandshake(now, record, plaintext);
        return;
      case ContentType.change_cipher_spec:
        this.#handleChangeCipherSpec(now, record, plaintext);
        return;
      case ContentType.alert:
        this.#handleAlert(record, plaintext);
        return;
      case ContentType.application_data:
        if (this.#state === "connected" && record.epoch > 0) {
          this.#events.push({ type: "data", data: plaintext });
        } else {
          this.#stats.unexpectedDropped++;
        }
        return;
      default:
        this.#stats.unexpectedDropped++;
    }
  }

  #handleHandshake(now: Millis, record: DtlsRecord, plaintext: Uint8Array): void {
    let fragments: HandshakeFragment[];
    try {
      fragments = decodeHandshakeFragments(plaintext);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      this.#stats.malformedDropped++;
      return;
    }
    const handshaking = this.#state === "handshaking";
    let peerRetransmitted = false;
    for (const f of fragments) {
      // Finished is only valid under the new epoch's keys (RFC 5246 §7.4.9).
      if (f.msgType === HandshakeType.finished && record.epoch === 0) {
        this.#stats.unexpectedDropped++;
        continue;
      }
      if (!handshaking) {
        if (f.messageSeq < this.#reassembler.nextSeq) peerRetransmitted = true;
        continue;
      }
      if (
        this.#machine.stateless &&
        f.msgType === HandshakeType.client_hello &&
        f.messageSeq !== this.#reassembler.nextSeq
      ) {
        this.#reassembler.reset(f.messageSeq);
      }
      if (record.epoch < this.#layer.readEpoch && f.messageSeq >= this.#reassembler.nextSeq) {
        this.#stats.epochDropped++;
        continue;
      }
      const outcome = this.#reassembler.add(f);
      if (outcome === "old") peerRetransmitted = true;
      else if (outcome === "dropped") this.#stats.fragmentsDropped++;
    }
    if (handshaking) this.#processMessages(now, record);
    if (peerRetransmitted) this.#resendOnPeerRetransmit(now);
  }

  #processMessages(now: Millis, record: DtlsRecord): void {
    for (;;) {
      if (this.#state !== "handshaking") return;
      const msg = this.#reassembler.pop();
      if (msg === undefined) return;
      try {
        this.#machine.handleMessage(now, {
          ...msg,
          recordSeq: record.sequenceNumber,
          epoch: record.epoch,
        });
      } catch (e) {
        if (!isDecodeError(e)) throw e;
        this.#fail(
          "protocol-violation",
          AlertDescription.decode_error,
          `malformed handshake message ${msg.msgType}: ${e.message}`,
        );
        return;
      }
      if (this.#remote === undefined && !this.#machine.stateless && this.#from !== undefined)
        this.#remote = this.#from;
      this.#applyChangeCipherSpec(now);
    }
  }

  /**
   * RFC 6347 §4.2.4: a peer that retransmits its last flight has not heard ours, so we resend it.
   * Rate-limited to once per half initial timeout so a duplicated flight gets one answer.
   */
  #resendOnPeerRetransmit(now: Millis): void {
    if (this.#flight.entries.length === 0) return;
    if (now - this.#flight.lastSentAt < this.#config.initialRetransmitMs / 2) return;
    this.#flight.resent(now);
    this.#stats.retransmissions++;
    writeFlight(this.#layer, this.#flight.entries);
  }

  #handleChangeCipherSpec(now: Millis, record: DtlsRecord, plaintext: Uint8Array): void {
    if (plaintext.byteLength !== 1 || plaintext[0] !== 1) {
      this.#stats.malformedDropped++;
      return;
    }
    // Only the first CCS of epoch 0 counts; later copies are retransmissions.
    if (this.#state !== "handshaking" || record.epoch !== 0 || this.#layer.readEpoch !== 0) return;
    this.#pendingCcs = true;
    this.#applyChangeCipherSpec(now);
  }

  #applyChangeCipherSpec(now: Millis): void {
    if (!this.#pendingCcs || !this.#machine.expectsChangeCipherSpec || !this.#layer.hasReadEpoch(1))
      return;
    this.#pendingCcs = false;
    this.#layer.switchReadEpoch(1);
    this.#machine.changeCipherSpecReceived();
    const early = this.#early;
    this.#early = [];
    for (const r of early) this.#handleRecord(now, r);
  }

  #handleAlert(record: DtlsRecord, plaintext: Uint8Array): void {
    let alert: { level: number; description: number };
    try {
      alert = decodeAlert(plaintext);
    } catch (e) {
      if (!isDecodeError(e)) throw e;
      this.#stats.malformedDropped++;
      return;
    }
    // Once keys are in use, a plaintext alert is unauthenticated and ignored.
    if (record.epoch === 0 && this.#layer.readEpoch > 0) {
      this.#stats.epochDropped++;
      return;
    }
    this.#stats.alertsReceived++;
    if (alert.description === AlertDescription.close_notify) {
      // RFC 5246 §7.2.1: answer close_notify with our own and close.
      this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.#state = "closed";
      this.#timers.clearAll();
      this.#flight.clear();
      this.#events.push({ type: "closed", initiator: "peer" });
      return;
    }
    if (alert.level === AlertLevel.warning) {
      this.#log.debug("warning alert", { alert: alertName(alert.description) });
      return;
    }
    this.#state = "failed";
    this.#timers.clearAll();
    this.#flight.clear();
    this.#events.push({
      type: "failed",
      reason: "peer-alert",
      alert: alert.description,
      message: `peer sent fatal alert ${alertName(alert.description)}`,
    });
  }

  #sendFlight(now: Millis, entries: readonly FlightEntry[], final: boolean): void {
    this.#flight.begin(now, entries, final);
    for (const e of entries) if (e.kind === "change_cipher_spec") this.#alertEpoch = e.epoch + 1;
    writeFlight(this.#layer, entries);
    this.#armRetransmit();
  }

  #armRetransmit(): void {
    const at = this.#flight.deadline;
    if (at === undefined) this.#timers.clear("retransmit");
    else this.#timers.set("retransmit", at);
  }

  #sendHelloVerifyRequest(body: Uint8Array, recordSeq: number, messageSeq: number): void {
    const to = this.#from;
    if (to === undefined) return;
    const fragment = encodeHandshakeFragment({
      msgType: HandshakeType.hello_verify_request,
      length: body.byteLength,
      messageSeq,
      fragmentOffset: 0,
      body,
    });
    this.#flushRecords();
    this.#push(this.#layer.sealRecord(ContentType.handshake, 0, fragment, recordSeq), to);
  }

  #installKeys(write: RecordCipher, read: RecordCipher): void {
    this.#layer.addWriteEpoch(write);
    this.#layer.addReadEpoch(read);
  }

  #checkPeerCertificate(der: Uint8Array): boolean {
    this.#peerLeaf = der;
    if (this.#fingerprints.length === 0) return true;
    if (certificateMatchesFingerprints(this.#config.crypto, der, this.#fingerprints)) return true;
    this.#fail(
      "fingerprint-mismatch",
      AlertDescription.bad_certificate,
      "peer certificate matches no expected fingerprint",
    );
    return false;
  }

  #complete(_now: Millis, result: HandshakeResult): void {
    this.#result = result;
    if (this.#config.role === "client") this.#flight.stop();
    this.#timers.clear("retransmit");
    if (this.#fingerprints.length === 0) {
      this.#state = "awaiting-fingerprint";
      this.#log.info("handshake done; waiting for the remote fingerprint");
      return;
    }
    this.#connect();
  }

  #connect(): void {
    const r = this.#result!;
    this.#state = "connected";
    this.#timers.clear("handshake");
    this.#events.push({
      type: "connected",
      cipherSuite: r.suite.name,
      cipherSuiteId: r.suite.id,
      srtpProfile: r.srtpProfile,
      srtpMki: r.srtpMki,
      namedGroup: r.namedGroup,
      peerCertificate: r.peerCertificateChain[0]!,
      peerCertificateChain: r.peerCertificateChain,
    });
  }

  #fail(reason: DtlsFailureReason, alert: number | undefined, message: string): void {
    if (this.#state === "failed" || this.#state === "closed") return;
    this.#log.warn("dtls failed", { reason, message });
    if (alert !== undefined) this.#sendAlert(AlertLevel.fatal, alert);
    this.#state = "failed";
    this.#timers.clearAll();
    this.#flight.clear();
    this.#events.push({ type: "failed", reason, alert, message });
  }

  #sendAlert(level: number, description: number): void {
    const to = this.#remote ?? this.#from;
    if (to === undefined) return;
    this.#stats.alertsSent++;
    this.#flushRecords();
    this.#push(
      this.#layer.sealRecord(
        ContentType.alert,
        this.#alertEpoch,
        encodeAlert({ level, description }),
      ),
      to,
    );
  }

  #flushRecords(): void {
    const to = this.#remote ?? this.#from;
    for (const d of this.#layer.takeDatagrams()) if (to !== undefined) this.#push(d, to);
  }

  #push(data: Uint8Array, to = this.#remote): void {
    if (to === undefined) return;
    this.#stats.datagramsSent++;
    this.#stats.bytesSent += data.byteLength;
    this.#transmits.push({ to, data });
  }
}
