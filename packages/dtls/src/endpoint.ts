import {
  ByteReader,
  type Datagram,
  type Endpoint,
  Fifo,
  isDecodeError,
  type Logger,
  type Millis,
  type SocketAddress,
  TimerTable,
  type Transmit,
} from "@purertc/common";
import { AlertDescription, AlertLevel, alertName, decodeAlert, encodeAlert } from "./alert.js";
import { type DtlsConfig, type DtlsFingerprint, resolveDtlsConfig } from "./config.js";
import { ContentType, MAX_CIPHERTEXT_LENGTH, MAX_PLAINTEXT_LENGTH } from "./constants.js";
import type { DtlsEvent, DtlsFailureReason } from "./events.js";
import { certificateMatchesFingerprints } from "./fingerprint.js";
import { type DriverOwner, HandshakeDriver } from "./handshake/driver.js";
import type { HandshakeResult } from "./handshake/host.js";
import { nssKeyLogLine } from "./key-log.js";
import { exportKeyingMaterial } from "./key-schedule.js";
import { type DtlsRecord, readRecord } from "./record/record.js";
import { RecordLayer } from "./record/record-layer.js";
import { type DtlsStats, emptyDtlsStats, type MutableDtlsStats } from "./stats.js";

/** Where an endpoint is in its life. */
export type DtlsState =
  | "new"
  | "handshaking"
  | "awaiting-fingerprint"
  | "connected"
  | "closed"
  | "failed";

type TimerName = "retransmit" | "handshake";

/** Application records kept when they overtake the peer's Finished (delivered on `connected`). */
const MAX_EARLY_DATA = 16;

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
  readonly #driver: HandshakeDriver;
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
  #earlyData: Uint8Array[] = [];

  constructor(config: Partial<DtlsConfig> & Pick<DtlsConfig, "role" | "certificate">) {
    this.#config = resolveDtlsConfig(config);
    const c = this.#config;
    this.#log = c.logger.child(`dtls:${c.role}`);
    this.#layer = new RecordLayer(c.mtu);
    this.#remote = c.remoteAddress;
    this.#fingerprints = c.remoteFingerprints;
    this.#driver = new HandshakeDriver(c, this.#owner());
  }

  get role(): "client" | "server" {
    return this.#config.role;
  }

  get state(): DtlsState {
    return this.#state;
  }

  /** A one-line summary for traces. */
  describe(): string {
    return `dtls ${this.#config.role} ${this.#state} readEpoch=${this.#layer.readEpoch}`;
  }

  /** Starts the handshake: a client sends its ClientHello; a server starts waiting. */
  start(now: Millis): void {
    if (this.#state !== "new") throw new TypeError(`start() in state ${this.#state}`);
    if (this.#config.role === "client" && this.#remote === undefined) {
      throw new TypeError(
        "a client needs remoteAddress (config or setRemoteAddress) before start()",
      );
    }
    this.#begin(now);
    this.#driver.start(now);
    this.#afterInput();
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
    this.#afterInput();
  }

  handleDatagram(now: Millis, dgram: Datagram): void {
    this.#stats.datagramsReceived++;
    this.#stats.bytesReceived += dgram.data.byteLength;
    if (this.#state === "new" && this.#config.role === "server") this.#begin(now);
    if (this.#state === "new" || !this.#isOpen()) {
      this.#stats.unexpectedDropped++;
      return;
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
    this.#afterInput();
  }

  handleTimeout(now: Millis): void {
    for (const t of this.#timers.expire(now)) {
      if (t === "handshake") {
        this.#fail(
          "handshake-timeout",
          undefined,
          `no handshake after ${this.#config.handshakeTimeoutMs} ms`,
        );
      } else if (this.#state === "handshaking") {
        this.#log.debug("flight retransmit");
        this.#driver.retransmit(now);
      }
    }
    this.#afterInput();
  }

  /**
   * Sends application data in one record of its own datagram (RFC 6347 §4.1.1: never split),
   * up to 2^14 bytes (RFC 5246 §6.2.1) whatever the `mtu`, which governs only the handshake's
   * packing and fragmentation: the layer above (SCTP with path MTU discovery) chooses the size.
   */
  send(data: Uint8Array): void {
    if (this.#state !== "connected") throw new TypeError(`send() in state ${this.#state}`);
    if (data.byteLength > MAX_PLAINTEXT_LENGTH)
      throw new RangeError(`record of ${data.byteLength} bytes exceeds 2^14`);
    this.#push(this.#layer.sealRecord(ContentType.application_data, this.#layer.writeEpoch, data));
  }

  /** Sends close_notify (RFC 5246 §7.2.1) and closes; a `closed` event follows. */
  close(): void {
    if (!this.#isOpen()) return;
    const wasOpen = this.#state !== "new";
    this.#end();
    this.#state = "closed";
    if (wasOpen) this.#sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.#events.push({ type: "closed", initiator: "local" });
    this.#afterInput();
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

  #owner(): DriverOwner {
    return new DtlsEndpoint.#Owner(this);
  }

  /**
   * What the handshake driver may do to its endpoint, as one small object (methods on a
   * prototype rather than a dozen closures per connection; nested, so it reaches the private
   * fields).
   */
  static readonly #Owner = class implements DriverOwner {
    readonly #e: DtlsEndpoint;
    readonly layer: RecordLayer;
    readonly stats: MutableDtlsStats;

    constructor(e: DtlsEndpoint) {
      this.#e = e;
      this.layer = e.#layer;
      this.stats = e.#stats;
    }

    get from(): SocketAddress | undefined {
      return this.#e.#from;
    }

    get handshaking(): boolean {
      return this.#e.#state === "handshaking";
    }

    sendDatagram(data: Uint8Array, to: SocketAddress): void {
      this.#e.#flushRecords();
      this.#e.#push(data, to);
    }

    replayRecord(now: Millis, record: DtlsRecord): void {
      this.#e.#handleRecord(now, record);
    }

    peerChosen(): void {
      const e = this.#e;
      if (e.#remote === undefined && e.#from !== undefined) e.#remote = e.#from;
    }

    checkPeerCertificate(der: Uint8Array): boolean {
      return this.#e.#checkPeerCertificate(der);
    }

    complete(now: Millis, result: HandshakeResult): void {
      this.#e.#complete(now, result);
    }

    fail(reason: DtlsFailureReason, alert: number | undefined, message: string): void {
      this.#e.#fail(reason, alert, message);
    }

    keyLog(clientRandom: Uint8Array, masterSecret: Uint8Array): void {
      const e = this.#e;
      if (e.#config.keyLog)
        e.#events.push({ type: "keylog", line: nssKeyLogLine(clientRandom, masterSecret) });
    }

    refuseRenegotiation(): void {
      this.#e.#sendAlert(AlertLevel.warning, AlertDescription.no_renegotiation);
    }
  };

  #begin(now: Millis): void {
    this.#state = "handshaking";
    this.#timers.set("handshake", now + this.#config.handshakeTimeoutMs);
  }

  #isOpen(): boolean {
    return this.#state !== "failed" && this.#state !== "closed";
  }

  #handleRecord(now: Millis, record: DtlsRecord): void {
    this.#stats.recordsReceived++;
    // RFC 6347 §4.1: every DTLS version is {254, x}; RFC 5246 §6.2.3: at most 2^14 + 2048 bytes.
    if (record.version >> 8 !== 0xfe || record.fragment.byteLength > MAX_CIPHERTEXT_LENGTH) {
      this.#stats.malformedDropped++;
      return;
    }
    const readEpoch = this.#layer.readEpoch;
    if (record.epoch > readEpoch) {
      // RFC 6347 §4.1: records of the next epoch MAY be kept until its ChangeCipherSpec arrives.
      if (!this.#driver.keepEarly(record)) this.#stats.epochDropped++;
      return;
    }
    // An older epoch may only carry retransmitted handshake messages and ChangeCipherSpec.
    const t = record.contentType;
    if (
      record.epoch < readEpoch &&
      t !== ContentType.handshake &&
      t !== ContentType.change_cipher_spec
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
    if (t === ContentType.handshake) this.#driver.handshakeRecord(now, record, plaintext);
    else if (t === ContentType.change_cipher_spec)
      this.#driver.changeCipherSpec(now, record, plaintext);
    else if (t === ContentType.alert) this.#handleAlert(record, plaintext);
    else if (t === ContentType.application_data) this.#handleApplicationData(record, plaintext);
    else this.#stats.unexpectedDropped++;
  }

  #handleApplicationData(record: DtlsRecord, plaintext: Uint8Array): void {
    if (record.epoch === 0) {
      this.#stats.unexpectedDropped++;
    } else if (this.#state === "connected") {
      this.#events.push({ type: "data", data: plaintext });
    } else if (this.#earlyData.length < MAX_EARLY_DATA) {
      // Authenticated data that overtook the peer's Finished: hold it until we connect.
      this.#earlyData.push(plaintext);
    } else {
      this.#stats.unexpectedDropped++;
    }
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
      this.#end();
      this.#state = "closed";
      this.#events.push({ type: "closed", initiator: "peer" });
      return;
    }
    if (alert.level === AlertLevel.warning) {
      this.#log.debug("warning alert", { alert: alertName(alert.description) });
      return;
    }
    this.#end();
    this.#state = "failed";
    const message = `peer sent fatal alert ${alertName(alert.description)}`;
    this.#events.push({ type: "failed", reason: "peer-alert", alert: alert.description, message });
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
    if (this.#config.role === "client") this.#driver.stopTimer();
    // Without a peer certificate (only if we did not require one) there is nothing to check.
    if (this.#fingerprints.length === 0 && result.peerCertificateChain.length > 0) {
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
    this.#driver.release();
    this.#layer.packRarely();
    this.#events.push({
      type: "connected",
      cipherSuite: r.suite.name,
      cipherSuiteId: r.suite.id,
      srtpProfile: r.srtpProfile,
      srtpMki: r.srtpMki,
      namedGroup: r.namedGroup,
      peerCertificate: r.peerCertificateChain[0],
      peerCertificateChain: r.peerCertificateChain,
    });
    for (const data of this.#earlyData) this.#events.push({ type: "data", data });
    this.#earlyData = [];
  }

  #fail(reason: DtlsFailureReason, alert: number | undefined, message: string): void {
    if (!this.#isOpen()) return;
    this.#log.warn("dtls failed", { reason, message });
    if (alert !== undefined) this.#sendAlert(AlertLevel.fatal, alert);
    this.#end();
    this.#state = "failed";
    this.#events.push({ type: "failed", reason, alert, message });
  }

  /** Stops every timer and forgets handshake state (closed or failed). */
  #end(): void {
    this.#timers.clearAll();
    this.#driver.clear();
    this.#earlyData = [];
  }

  #sendAlert(level: number, description: number): void {
    const to = this.#remote ?? this.#from;
    if (to === undefined) return;
    this.#stats.alertsSent++;
    this.#flushRecords();
    this.#push(
      this.#layer.sealRecord(
        ContentType.alert,
        this.#driver.alertEpoch,
        encodeAlert({ level, description }),
      ),
      to,
    );
  }

  /** After any input: queue packed records and re-arm the flight timer. */
  #afterInput(): void {
    this.#flushRecords();
    const at = this.#state === "handshaking" ? this.#driver.retransmitDeadline : undefined;
    if (at === undefined) this.#timers.clear("retransmit");
    else this.#timers.set("retransmit", at);
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
